package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.ContextToSave;
import dev.redrive.coordinator.app.RetryContexts;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The retry_context table: the context each retry command carried, as JSON. */
@Repository
public class JdbcRetryContexts implements RetryContexts {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcRetryContexts(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public void saveContexts(List<ContextToSave> contexts) {
    if (contexts.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
              pipeline, source, automatic, decision)
            SELECT c, e, p, n::int, x, pl, s, a::boolean, d
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[], ?::text[]) AS t(c, e, p, n, x, pl, s, a, d)""")
        .param(texts(contexts, ContextToSave::commandId))
        .param(texts(contexts, c -> c.context().executionId()))
        .param(texts(contexts, c -> c.context().phase()))
        .param(texts(contexts, c -> String.valueOf(c.context().currentAttempt())))
        .param(texts(contexts, c -> json.writeValueAsString(c.context())))
        .param(texts(contexts, c -> c.cause().pipeline()))
        .param(texts(contexts, c -> c.cause().source()))
        .param(texts(contexts, c -> String.valueOf(c.automatic())))
        .param(
            texts(
                contexts, c -> c.decision() == null ? null : json.writeValueAsString(c.decision())))
        .update();
  }
}
