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
import java.time.Duration;
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
      EventMeta meta, String attemptId, String phase, int attemptNumber, String commandId) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome, command_id,
              occurred_at, pipeline, source)
            VALUES (?, ?, ?, ?, 'STARTED', ?, ?, ?, ?) ON CONFLICT (attempt_id) DO NOTHING""")
        .params(
            attemptId,
            meta.executionId(),
            phase,
            attemptNumber,
            commandId,
            Timestamp.from(meta.occurredAt()),
            meta.pipeline(),
            meta.source())
        .update();
    knowPhase(meta.executionId(), phase);
  }

  public void recordSucceeded(
      EventMeta meta, String attemptId, String phase, int attemptNumber, long durationMs) {
    jdbc.sql(
            """
            INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
              duration_ms, occurred_at, pipeline, source)
            VALUES (?, ?, ?, ?, 'SUCCEEDED', ?, ?, ?, ?)
            ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'SUCCEEDED',
              duration_ms = excluded.duration_ms, occurred_at = excluded.occurred_at
            WHERE attempt.outcome = 'STARTED'""")
        .params(
            attemptId,
            meta.executionId(),
            phase,
            attemptNumber,
            durationMs,
            Timestamp.from(meta.occurredAt()),
            meta.pipeline(),
            meta.source())
        .update();
    knowPhase(meta.executionId(), phase);
  }

  /**
   * Records a failure; false when this attempt already ended (a duplicate report under another
   * event id), in which case nothing is counted.
   */
  public boolean recordFailure(EventMeta meta, Failure failure, Map<String, String> attributes) {
    String executionId = meta.executionId();
    int rows =
        jdbc.sql(
                """
                INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
                  failure_type, hard, error_type, error_message, exit_code, duration_ms,
                  artifacts_location, occurred_at, pipeline, source, attributes)
                VALUES (?, ?, ?, ?, 'FAILED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (attempt_id) DO UPDATE SET outcome = 'FAILED',
                  failure_type = excluded.failure_type, hard = excluded.hard,
                  error_type = excluded.error_type, error_message = excluded.error_message,
                  exit_code = excluded.exit_code, duration_ms = excluded.duration_ms,
                  artifacts_location = excluded.artifacts_location,
                  occurred_at = excluded.occurred_at, attributes = excluded.attributes
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
                Timestamp.from(failure.occurredAt()),
                meta.pipeline(),
                meta.source(),
                json.writeValueAsString(attributes))
            .update();
    if (rows == 0) {
      return false;
    }
    knowPhase(executionId, failure.phase());
    jdbc.sql("UPDATE execution SET last_failure_type = ? WHERE execution_id = ?")
        .params(failure.type().name(), executionId)
        .update();
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

  /**
   * Stores the context a retry command carries; {@code automatic} retries (not requested by a
   * person) are what the retry budget counts.
   */
  public void saveContext(
      String commandId, RetryContext context, EventMeta cause, boolean automatic) {
    jdbc.sql(
            """
            INSERT INTO retry_context (command_id, execution_id, phase, attempt_number, context,
              pipeline, source, automatic)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
        .params(
            commandId,
            context.executionId(),
            context.phase(),
            context.currentAttempt(),
            json.writeValueAsString(context),
            cause.pipeline(),
            cause.source(),
            automatic)
        .update();
  }

  /**
   * Counts an attempt (or an automatic retry) for the retry budget of the event's pipeline and
   * source, in the time bucket of now; buckets older than two windows are dropped on the way.
   */
  public void countForBudget(EventMeta meta, boolean retry, Duration window) {
    long bucketSeconds = Math.max(1, window.toSeconds() / 12);
    for (String[] scope :
        new String[][] {{"pipeline", meta.pipeline()}, {"source", meta.source()}}) {
      if (scope[1] == null) {
        continue;
      }
      jdbc.sql(
              """
              INSERT INTO budget_bucket (scope, name, bucket_start, attempts, retries)
              VALUES (?, ?, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), ?, ?)
              ON CONFLICT (scope, name, bucket_start) DO UPDATE
              SET attempts = budget_bucket.attempts + excluded.attempts,
                  retries = budget_bucket.retries + excluded.retries""")
          .params(scope[0], scope[1], bucketSeconds, bucketSeconds, retry ? 0 : 1, retry ? 1 : 0)
          .update();
      jdbc.sql(
              """
              DELETE FROM budget_bucket WHERE scope = ? AND name = ?
                AND bucket_start < now() - make_interval(secs => ?)""")
          .params(scope[0], scope[1], 2.0 * window.toSeconds() + bucketSeconds)
          .update();
    }
  }

  /** Automatic retries and all attempts of a pipeline (or a source) in the budget's window. */
  public BudgetCounts budgetCounts(String scope, String name, Duration window) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(retries), 0), coalesce(sum(attempts), 0) FROM budget_bucket
            WHERE scope = ? AND name = ? AND bucket_start > now() - make_interval(secs => ?)""")
        .params(scope, name, (double) window.toSeconds())
        .query((rs, n) -> new BudgetCounts(rs.getLong(1), rs.getLong(2)))
        .single();
  }

  /** What the retry budget counted in its window. */
  public record BudgetCounts(long retries, long attempts) {}

  /** Remembers a phase of the execution (in the order phases are first named). */
  public void knowPhase(String executionId, String phase) {
    jdbc.sql(
            """
            INSERT INTO execution_phase (execution_id, position, phase)
            SELECT ?, coalesce(max(position) + 1, 0), ? FROM execution_phase WHERE execution_id = ?
            ON CONFLICT DO NOTHING""")
        .params(executionId, phase, executionId)
        .update();
  }

  /** The phases of a pipeline run, as the runner announced them (replacing what was guessed). */
  public void setPhases(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM execution_phase WHERE execution_id = ?").param(executionId).update();
    for (int i = 0; i < phases.size(); i++) {
      jdbc.sql("INSERT INTO execution_phase (execution_id, position, phase) VALUES (?, ?, ?)")
          .params(executionId, i, phases.get(i))
          .update();
    }
  }

  public List<String> phases(String executionId) {
    return jdbc.sql("SELECT phase FROM execution_phase WHERE execution_id = ? ORDER BY position")
        .param(executionId)
        .query(String.class)
        .list();
  }

  public void saveCheckpoint(String executionId, String phase, Map<String, String> outputs) {
    jdbc.sql(
            """
            INSERT INTO phase_checkpoint (execution_id, phase, outputs) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (execution_id, phase)
            DO UPDATE SET outputs = excluded.outputs, created_at = now()""")
        .params(executionId, phase, json.writeValueAsString(outputs))
        .update();
  }

  public void clearCheckpoints(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM phase_checkpoint WHERE execution_id = ? AND phase = ANY(?)")
        .params(executionId, phases.toArray(String[]::new))
        .update();
  }

  /** Outputs of completed phases, by phase. */
  public Map<String, Map<String, String>> checkpoints(String executionId) {
    Map<String, Map<String, String>> checkpoints = new java.util.LinkedHashMap<>();
    jdbc.sql("SELECT phase, outputs::text FROM phase_checkpoint WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) -> {
              checkpoints.put(rs.getString(1), json.readValue(rs.getString(2), OUTPUTS_TYPE));
              return null;
            })
        .list();
    return checkpoints;
  }

  private static final tools.jackson.core.type.TypeReference<Map<String, String>> OUTPUTS_TYPE =
      new tools.jackson.core.type.TypeReference<>() {};

  /** Sets the failure count of a phase to zero and returns what it was. */
  public int resetCount(String executionId, String phase) {
    Integer previous =
        jdbc.sql(
                "SELECT failed_attempts FROM phase_counter WHERE execution_id = ? AND phase = ? FOR UPDATE")
            .params(executionId, phase)
            .query(Integer.class)
            .optional()
            .orElse(0);
    jdbc.sql("UPDATE phase_counter SET failed_attempts = 0 WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .update();
    return previous;
  }

  public int failedAttempts(String executionId, String phase) {
    return jdbc.sql(
            "SELECT failed_attempts FROM phase_counter WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  /** The highest attempt number the phase has had. */
  public int lastAttemptNumber(String executionId, String phase) {
    return jdbc.sql(
            "SELECT coalesce(max(attempt_number), 0) FROM attempt WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .single();
  }

  public void addNote(String executionId, String phase, String note, String requestedBy) {
    jdbc.sql("INSERT INTO retry_note (execution_id, phase, note, requested_by) VALUES (?, ?, ?, ?)")
        .params(executionId, phase, note, requestedBy)
        .update();
  }

  /** Notes people left for the phase, oldest first, as they go into a context. */
  public List<String> notes(String executionId, String phase) {
    return jdbc.sql(
            """
            SELECT coalesce(requested_by || ': ', '') || note FROM retry_note
            WHERE execution_id = ? AND phase = ? ORDER BY id""")
        .params(executionId, phase)
        .query(String.class)
        .list();
  }

  /** The answer a retry request got, if this request id was seen before. */
  public Optional<String> requestOutcome(String requestId) {
    return jdbc.sql("SELECT outcome::text FROM retry_request WHERE request_id = ?")
        .param(requestId)
        .query(String.class)
        .optional();
  }

  /** Records a request and its answer; false if the request id was already recorded. */
  public boolean saveRequest(String requestId, String executionId, Object outcome) {
    return jdbc.sql(
                """
                INSERT INTO retry_request (request_id, execution_id, outcome) VALUES (?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""")
            .params(requestId, executionId, json.writeValueAsString(outcome))
            .update()
        == 1;
  }

  public void createResubmitted(
      String newExecutionId, String pipeline, String source, String originalExecutionId) {
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status, resubmitted_from)
            VALUES (?, ?, ?, 'RUNNING', ?)""")
        .params(newExecutionId, pipeline, source, originalExecutionId)
        .update();
  }

  /** Moves an execution to a status whatever it was (a person's forced retry may reopen it). */
  public void reopen(String executionId, ExecutionStatus status, String currentPhase) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              updated_at = now() WHERE execution_id = ?""")
        .params(status.name(), currentPhase, executionId)
        .update();
  }

  /** PAUSED executions that match a bulk retry's filters, oldest first. */
  public List<String> pausedMatching(
      String pipeline, String phase, String failureType, Instant from, Instant to, int limit) {
    return jdbc.sql(
            """
            SELECT execution_id FROM execution WHERE status = 'PAUSED'
              AND (CAST(? AS TEXT) IS NULL OR pipeline = ?)
              AND (CAST(? AS TEXT) IS NULL OR current_phase = ?)
              AND (CAST(? AS TEXT) IS NULL OR last_failure_type = ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at >= ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at < ?)
            ORDER BY updated_at LIMIT ?""")
        .params(
            pipeline,
            pipeline,
            phase,
            phase,
            failureType,
            failureType,
            timestamp(from),
            timestamp(from),
            timestamp(to),
            timestamp(to),
            limit)
        .query(String.class)
        .list();
  }

  public long countPaused() {
    return jdbc.sql("SELECT count(*) FROM execution WHERE status = 'PAUSED'")
        .query(Long.class)
        .single();
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
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
                    rs.getString("resubmitted_from"),
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
      String resubmittedFrom,
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
