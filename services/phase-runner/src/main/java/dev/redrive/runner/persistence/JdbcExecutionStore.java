package dev.redrive.runner.persistence;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.app.ExecutionStore;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.PhaseHistory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The runner's executions and the attempts of their phases (tables execution, phase_attempt). */
@Repository
public class JdbcExecutionStore implements ExecutionStore {

  private final JdbcClient jdbc;

  public JdbcExecutionStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a new execution; false when one with that id exists already. */
  @Override
  public boolean createExecution(
      String executionId,
      String pipeline,
      String workspace,
      String resubmitOf,
      String requestedBy) {
    return jdbc.sql(
                """
                INSERT INTO execution (execution_id, pipeline, status, workspace, resubmit_of,
                  requested_by)
                VALUES (?, ?, 'RUNNING', ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING""")
            .params(executionId, pipeline, workspace, resubmitOf, requestedBy)
            .update()
        == 1;
  }

  @Override
  public void updateExecution(String executionId, ExecutionStatus status, String currentPhase) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              updated_at = now() WHERE execution_id = ?""")
        .params(status.name(), currentPhase, executionId)
        .update();
  }

  @Override
  public Optional<Execution> execution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ?")
        .param(executionId)
        .query(JdbcExecutionStore::executionRow)
        .optional();
  }

  /**
   * Reads the execution and locks its row until the transaction ends, so that commands and the
   * worker finishing an attempt change one execution one at a time (across runner instances).
   */
  @Override
  public Optional<Execution> lockExecution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ? FOR UPDATE")
        .param(executionId)
        .query(JdbcExecutionStore::executionRow)
        .optional();
  }

  @Override
  public void queueAttempt(Attempt attempt) {
    jdbc.sql(
            """
            INSERT INTO phase_attempt (attempt_id, execution_id, phase, attempt_number, max_attempts,
              command_id, context_file, previous_error, status, origin, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?)""")
        .params(
            attempt.attemptId(),
            attempt.executionId(),
            attempt.phase(),
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            attempt.commandId(),
            attempt.contextFile(),
            attempt.previousError(),
            attempt.origin().name(),
            attempt.note())
        .update();
  }

  /**
   * Moves a QUEUED attempt to RUNNING on this runner instance; false if another worker or a
   * duplicate already did, or a cancel or rollback took it off the queue.
   */
  @Override
  public boolean markRunning(String attemptId, String runnerInstance) {
    return jdbc.sql(
                """
                UPDATE phase_attempt SET status = 'RUNNING', started_at = now(), runner_instance = ?
                WHERE attempt_id = ? AND status = 'QUEUED'""")
            .params(runnerInstance, attemptId)
            .update()
        == 1;
  }

  /** Attempts of this runner instance in the given status. */
  @Override
  public List<Attempt> withStatusOn(AttemptStatus status, String runnerInstance) {
    return jdbc.sql(
            """
            SELECT * FROM phase_attempt WHERE status = ? AND runner_instance = ?
            ORDER BY queued_at""")
        .params(status.name(), runnerInstance)
        .query(JdbcExecutionStore::attemptRow)
        .list();
  }

  @Override
  public void finishAttempt(String attemptId, AttemptStatus status) {
    jdbc.sql("UPDATE phase_attempt SET status = ?, finished_at = now() WHERE attempt_id = ?")
        .params(status.name(), attemptId)
        .update();
  }

  /** Ends an attempt that did not succeed, with what went wrong. */
  @Override
  public void finishAttempt(
      String attemptId, AttemptStatus status, FailureType failureType, String errorMessage) {
    jdbc.sql(
            """
            UPDATE phase_attempt SET status = ?, failure_type = ?, error_message = ?,
              finished_at = now() WHERE attempt_id = ?""")
        .params(
            status.name(), failureType == null ? null : failureType.name(), errorMessage, attemptId)
        .update();
  }

  @Override
  public Optional<Attempt> attempt(String attemptId) {
    return jdbc.sql("SELECT * FROM phase_attempt WHERE attempt_id = ?")
        .param(attemptId)
        .query(JdbcExecutionStore::attemptRow)
        .optional();
  }

  @Override
  public List<Attempt> attemptsWithStatus(AttemptStatus status) {
    return jdbc.sql("SELECT * FROM phase_attempt WHERE status = ? ORDER BY queued_at")
        .param(status.name())
        .query(JdbcExecutionStore::attemptRow)
        .list();
  }

  @Override
  public List<Attempt> attempts(String executionId) {
    return jdbc.sql(
            "SELECT * FROM phase_attempt WHERE execution_id = ? ORDER BY queued_at, attempt_id")
        .param(executionId)
        .query(JdbcExecutionStore::attemptRow)
        .list();
  }

  /** Attempts of the execution that are queued, running or being cancelled. */
  @Override
  public List<Attempt> activeAttempts(String executionId) {
    return jdbc.sql(
            """
            SELECT * FROM phase_attempt WHERE execution_id = ?
              AND status IN ('QUEUED', 'RUNNING', 'CANCELLING') ORDER BY queued_at""")
        .param(executionId)
        .query(JdbcExecutionStore::attemptRow)
        .list();
  }

  /** The phase's earlier attempts in this execution: the highest number, whether one failed. */
  @Override
  public PhaseHistory phaseHistory(String executionId, String phase) {
    return jdbc.sql(
            """
            SELECT coalesce(max(attempt_number), 0) AS highest,
                   coalesce(bool_or(status = 'FAILED'), false) AS failed
            FROM phase_attempt WHERE execution_id = ? AND phase = ?""")
        .params(executionId, phase)
        .query((rs, row) -> new PhaseHistory(rs.getInt("highest"), rs.getBoolean("failed")))
        .single();
  }

  /** Takes the execution's QUEUED attempts off the queue (CANCELLED); returns how many. */
  @Override
  public int cancelQueued(String executionId) {
    return jdbc.sql(
            """
            UPDATE phase_attempt SET status = 'CANCELLED', finished_at = now()
            WHERE execution_id = ? AND status = 'QUEUED'""")
        .param(executionId)
        .update();
  }

  /** Marks the execution's RUNNING attempts CANCELLING; returns them. */
  @Override
  public List<Attempt> markCancelling(String executionId) {
    List<Attempt> running =
        jdbc.sql("SELECT * FROM phase_attempt WHERE execution_id = ? AND status = 'RUNNING'")
            .param(executionId)
            .query(JdbcExecutionStore::attemptRow)
            .list();
    jdbc.sql(
            """
            UPDATE phase_attempt SET status = 'CANCELLING'
            WHERE execution_id = ? AND status = 'RUNNING'""")
        .param(executionId)
        .update();
    return running;
  }

  /** Which of the given attempts are CANCELLING. */
  @Override
  public List<String> cancelling(Collection<String> attemptIds) {
    if (attemptIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT attempt_id FROM phase_attempt
            WHERE status = 'CANCELLING' AND attempt_id IN (:ids)""")
        .param("ids", List.copyOf(attemptIds))
        .query(String.class)
        .list();
  }

  /** Marks the attempts of the phases as cleared by a rollback (they stay as history). */
  @Override
  public void supersede(String executionId, Collection<String> phases) {
    if (phases.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            UPDATE phase_attempt SET superseded = true
            WHERE execution_id = :execution AND phase IN (:phases)""")
        .param("execution", executionId)
        .param("phases", List.copyOf(phases))
        .update();
  }

  private static Execution executionRow(ResultSet rs, int n) throws SQLException {
    return new Execution(
        rs.getString("execution_id"),
        rs.getString("pipeline"),
        ExecutionStatus.valueOf(rs.getString("status")),
        rs.getString("current_phase"),
        rs.getString("workspace"),
        rs.getString("resubmit_of"),
        rs.getString("requested_by"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")));
  }

  private static Attempt attemptRow(ResultSet rs, int n) throws SQLException {
    return new Attempt(
        rs.getString("attempt_id"),
        rs.getString("execution_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        rs.getObject("max_attempts", Integer.class),
        rs.getString("command_id"),
        rs.getString("context_file"),
        rs.getString("previous_error"),
        AttemptStatus.valueOf(rs.getString("status")),
        AttemptOrigin.valueOf(rs.getString("origin")),
        rs.getString("note"),
        rs.getBoolean("superseded"),
        rs.getString("failure_type"),
        rs.getString("error_message"),
        instant(rs.getTimestamp("queued_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
