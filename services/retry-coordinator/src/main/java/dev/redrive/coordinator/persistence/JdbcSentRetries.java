package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.SentRetries;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The retry_context table: one row per retry, with the messages that told of it as they were sent
 * (the command with its context, the RetryScheduled with its why). Written with the batch's outbox
 * rows.
 */
@Repository
public class JdbcSentRetries implements SentRetries {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcSentRetries(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Writes the rows of {@code retries} with one statement. */
  @Override
  public void keep(List<Sent> retries) {
    if (retries.isEmpty()) {
      return;
    }
    byte[][] messages = new byte[retries.size()][];
    for (int i = 0; i < messages.length; i++) {
      messages[i] = retries.get(i).sentMessages();
    }
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number,
              sent_messages, declared_policy)
            SELECT c, e, p, n::int, x, d
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[])
              AS t(c, e, p, n, x, d)""")
        .param(texts(retries, Sent::commandId))
        .param(texts(retries, Sent::executionId))
        .param(texts(retries, Sent::phase))
        .param(texts(retries, r -> String.valueOf(r.attemptNumber())))
        .param(messages)
        .param(texts(retries, r -> DeclaredPolicies.json(json, r.declared())))
        .update();
  }
}
