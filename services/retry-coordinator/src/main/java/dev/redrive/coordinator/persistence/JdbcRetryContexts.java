package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.ContextToSave;
import dev.redrive.coordinator.app.RetryContexts;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The retry_context table: the context each retry command carried and why the retry was made, as
 * JSON packed into one value ({@link RetryDocuments}).
 */
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
    byte[][] documents = new byte[contexts.size()][];
    for (int i = 0; i < documents.length; i++) {
      ContextToSave c = contexts.get(i);
      documents[i] =
          RetryDocuments.pack(
              json.writeValueAsBytes(c.context()),
              c.decision() == null ? null : json.writeValueAsBytes(c.decision()));
    }
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number,
              packed_documents, pipeline, source, automatic)
            SELECT c, e, p, n::int, x, pl, s, a::boolean
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[],
              ?::text[], ?::text[]) AS t(c, e, p, n, x, pl, s, a)""")
        .param(texts(contexts, ContextToSave::commandId))
        .param(texts(contexts, c -> c.context().executionId()))
        .param(texts(contexts, c -> c.context().phase()))
        .param(texts(contexts, c -> String.valueOf(c.context().currentAttempt())))
        .param(documents)
        .param(texts(contexts, c -> c.cause().pipeline()))
        .param(texts(contexts, c -> c.cause().source()))
        .param(texts(contexts, c -> String.valueOf(c.automatic())))
        .update();
  }
}
