package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.RetryContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The coordinator's tables: executions, attempts, counters and the contexts it sent. */
@Repository
public class CoordinatorStore {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public CoordinatorStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Creates the execution the first time any event names it (external executions included). */
  public void ensureExecution(EventMeta meta) {
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status)
            VALUES (?, ?, ?, 'RUNNING') ON CONFLICT (execution_id) DO NOTHING""")
        .params(meta.executionId(), meta.pipeline(), meta.source())
        .update();
  }

  /**
   * Moves an execution that has not ended to a new status. An ended execution (SUCCEEDED,
   * CANCELLED) keeps its status: the end arrives on another topic than the attempts, so a late
   * attempt event must not bring the execution back to life.
   */
  public void updateExecution(
      String executionId, ExecutionStatus status, String currentPhase, String lastError) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              last_error = coalesce(?, last_error), updated_at = now()
            WHERE execution_id = ? AND status NOT IN ('SUCCEEDED', 'CANCELLED')""")
        .params(status.name(), currentPhase, lastError, executionId)
        .update();
  }

  public void recordStarted(
      String executionId,
      String attemptId,
      String phase,
      int attemptNumber,
      String commandId,
      Instant at) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome, command_id,
              occurred_at)
            VALUES (?, ?, ?, ?, 'STARTED', ?, ?) ON CONFLICT (attempt_id) DO NOTHING""")
        .params(attemptId, executionId, phase, attemptNumber, commandId, Timestamp.from(at))
        .update();
  }

  public void recordSucceeded(
      String executionId,
      String attemptId,
      String phase,
      int attemptNumber,
      long durationMs,
      Instant at) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              duration_ms, occurred_at)
            VALUES (?, ?, ?, ?, 'SUCCEEDED', ?, ?)
            ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'SUCCEEDED',
              duration_ms = excluded.duration_ms, occurred_at = excluded.occurred_at
            WHERE attempt.outcome = 'STARTED'""")
        .params(attemptId, executionId, phase, attemptNumber, durationMs, Timestamp.from(at))
        .update();
  }

  /**
   * Records a failure; false when this attempt already ended (a duplicate report under another
   * event id), in which case nothing is counted.
   */
  public boolean recordFailure(String executionId, Failure failure) {
    int rows =
        jdbc.sql(
                """
                INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
                  failure_type, hard, error_type, error_message, exit_code, duration_ms,
                  artifacts_location, occurred_at)
                VALUES (?, ?, ?, ?, 'FAILED', ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'FAILED',
                  failure_type = excluded.failure_type, hard = excluded.hard,
                  error_type = excluded.error_type, error_message = excluded.error_message,
                  exit_code = excluded.exit_code, duration_ms = excluded.duration_ms,
                  artifacts_location = excluded.artifacts_location,
                  occurred_at = excluded.occurred_at
                WHERE attempt.outcome = 'STARTED'""")
            .params(
                failure.attemptId(),
                executionId,
                failure.phase(),
                failure.attemptNumber(),
                failure.type().name(),
                failure.hard(),
                failure.errorType(),
                failure.message(),
                failure.exitCode(),
                failure.durationMs(),
                failure.artifactsLocation(),
                Timestamp.from(failure.occurredAt()))
            .update();
    if (rows == 0) {
      return false;
    }
    List<CheckOutcome> checks = failure.checks();
    for (int i = 0; i < checks.size(); i++) {
      CheckOutcome check = checks.get(i);
      jdbc.sql(
              """
              INSERT INTO attempt_check (attempt_id, position, name, passed, output_excerpt)
              VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
          .params(failure.attemptId(), i, check.name(), check.passed(), check.outputExcerpt())
          .update();
    }
    return true;
  }

  /** Adds one to the phase's failure count and returns the new count. */
  public int countFailure(String executionId, String phase) {
    return jdbc.sql(
            """
            INSERT INTO phase_counter (execution_id, phase, failed_attempts) VALUES (?, ?, 1)
            ON CONFLICT (execution_id, phase)
            DO UPDATE SET failed_attempts = phase_counter.failed_attempts + 1
            RETURNING failed_attempts""")
        .params(executionId, phase)
        .query(Integer.class)
        .single();
  }

  /** Every failure of the phase, oldest first. */
  public List<Failure> failures(String executionId, String phase) {
    Map<String, List<CheckOutcome>> checks =
        jdbc
            .sql(
                """
                SELECT c.attempt_id, c.name, c.passed, c.output_excerpt FROM attempt_check c
                JOIN attempt a ON a.attempt_id = c.attempt_id
                WHERE a.execution_id = ? AND a.phase = ? ORDER BY c.attempt_id, c.position""")
            .params(executionId, phase)
            .query(
                (rs, n) ->
                    Map.entry(
                        rs.getString("attempt_id"),
                        new CheckOutcome(
                            rs.getString("name"),
                            rs.getBoolean("passed"),
                            rs.getString("output_excerpt"))))
            .list()
            .stream()
            .collect(
                Collectors.groupingBy(
                    Map.Entry::getKey,
                    Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    return jdbc.sql(
            """
            SELECT * FROM attempt WHERE execution_id = ? AND phase = ? AND outcome = 'FAILED'
            ORDER BY attempt_number, occurred_at""")
        .params(executionId, phase)
        .query((rs, n) -> failure(rs, checks.getOrDefault(rs.getString("attempt_id"), List.of())))
        .list();
  }

  public void saveContext(String commandId, RetryContext context) {
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context)
            VALUES (?, ?, ?, ?, ?::jsonb)""")
        .params(
            commandId,
            context.executionId(),
            context.phase(),
            context.currentAttempt(),
            json.writeValueAsString(context))
        .update();
  }

  public Optional<ExecutionView> execution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) ->
                new ExecutionView(
                    rs.getString("execution_id"),
                    rs.getString("pipeline"),
                    rs.getString("source"),
                    ExecutionStatus.valueOf(rs.getString("status")),
                    rs.getString("current_phase"),
                    rs.getString("last_error"),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant()))
        .optional();
  }

  public List<AttemptView> attempts(String executionId) {
    return jdbc.sql(
            "SELECT * FROM attempt WHERE execution_id = ? ORDER BY occurred_at, attempt_number")
        .param(executionId)
        .query(CoordinatorStore::attemptView)
        .list();
  }

  public Map<String, Integer> counters(String executionId) {
    return jdbc
        .sql("SELECT phase, failed_attempts FROM phase_counter WHERE execution_id = ?")
        .param(executionId)
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  public Optional<AttemptView> attempt(String attemptId) {
    return jdbc.sql("SELECT * FROM attempt WHERE attempt_id = ?")
        .param(attemptId)
        .query(CoordinatorStore::attemptView)
        .optional();
  }

  /** The context JSON a retry command carried, by command id. */
  public Optional<String> contextJson(String commandId) {
    return jdbc.sql("SELECT context::text FROM retry_context WHERE command_id = ?")
        .param(commandId)
        .query(String.class)
        .optional();
  }

  private static AttemptView attemptView(ResultSet rs, int n) throws SQLException {
    return new AttemptView(
        rs.getString("attempt_id"),
        rs.getString("execution_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        rs.getString("outcome"),
        rs.getString("command_id"),
        rs.getString("failure_type"),
        rs.getString("error_message"),
        (Integer) rs.getObject("exit_code"),
        (Long) rs.getObject("duration_ms"),
        rs.getString("artifacts_location"),
        rs.getTimestamp("occurred_at").toInstant());
  }

  private static Failure failure(ResultSet rs, List<CheckOutcome> checks) throws SQLException {
    return new Failure(
        rs.getString("attempt_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        FailureType.valueOf(rs.getString("failure_type")),
        rs.getBoolean("hard"),
        rs.getString("error_type"),
        rs.getString("error_message"),
        (Integer) rs.getObject("exit_code"),
        checks,
        rs.getLong("duration_ms"),
        rs.getString("artifacts_location"),
        rs.getTimestamp("occurred_at").toInstant(),
        null);
  }

  /** An execution as the API shows it. */
  public record ExecutionView(
      String executionId,
      String pipeline,
      String source,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      Instant createdAt,
      Instant updatedAt) {}

  /** An attempt as the API shows it. */
  public record AttemptView(
      String attemptId,
      String executionId,
      String phase,
      int attemptNumber,
      String outcome,
      String commandId,
      String failureType,
      String errorMessage,
      Integer exitCode,
      Long durationMs,
      String artifactsLocation,
      Instant occurredAt) {}
}
