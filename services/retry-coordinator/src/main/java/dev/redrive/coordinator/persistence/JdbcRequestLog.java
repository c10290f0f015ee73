package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.RequestLog;
import dev.redrive.coordinator.app.RetryAnswer;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The retry_request table: each request id with the answer it got, as JSON. */
@Repository
public class JdbcRequestLog implements RequestLog {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcRequestLog(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public Optional<RetryAnswer> answer(String requestId) {
    return jdbc.sql("SELECT outcome::text FROM retry_request WHERE request_id = ?")
        .param(requestId)
        .query(String.class)
        .optional()
        .map(outcome -> json.readValue(outcome, RetryAnswer.class));
  }

  @Override
  public boolean save(String requestId, String executionId, RetryAnswer answer) {
    return jdbc.sql(
                """
                INSERT INTO retry_request (request_id, execution_id, outcome) VALUES (?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""")
            .params(requestId, executionId, json.writeValueAsString(answer))
            .update()
        == 1;
  }
}
