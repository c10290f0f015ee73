package dev.redrive.runner.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The runner's tables: executions and the attempts of their phases. */
@Repository
public class RunnerStore {

  private final JdbcClient jdbc;

  public RunnerStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void createExecution(String executionId, String pipeline, String workspace) {
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, status, workspace)
            VALUES (?, ?, 'RUNNING', ?)""")
        .params(executionId, pipeline, workspace)
        .update();
  }

  public void updateExecution(String executionId, String status, String currentPhase) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              updated_at = now() WHERE execution_id = ?""")
        .params(status, currentPhase, executionId)
        .update();
  }

  public Optional<ExecutionRow> execution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) ->
                new ExecutionRow(
                    rs.getString("execution_id"),
                    rs.getString("pipeline"),
                    rs.getString("status"),
                    rs.getString("current_phase"),
                    rs.getString("workspace")))
        .optional();
  }

  public void queueAttempt(AttemptRow attempt) {
    jdbc.sql(
            """
            INSERT INTO phase_attempt (attempt_id, execution_id, phase, attempt_number, max_attempts,
              command_id, context_file, previous_error, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED')""")
        .params(
            attempt.attemptId(),
            attempt.executionId(),
            attempt.phase(),
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            attempt.commandId(),
            attempt.contextFile(),
            attempt.previousError())
        .update();
  }

  /**
   * Moves a QUEUED attempt to RUNNING on this runner instance; false if another worker or a
   * duplicate already did.
   */
  public boolean markRunning(String attemptId, String runnerInstance) {
    return jdbc.sql(
                """
                UPDATE phase_attempt SET status = 'RUNNING', started_at = now(), runner_instance = ?
                WHERE attempt_id = ? AND status = 'QUEUED'""")
            .params(runnerInstance, attemptId)
            .update()
        == 1;
  }

  /** Attempts this runner instance left RUNNING (it stopped while they ran). */
  public List<AttemptRow> runningOn(String runnerInstance) {
    return jdbc.sql(
            """
            SELECT * FROM phase_attempt WHERE status = 'RUNNING' AND runner_instance = ?
            ORDER BY queued_at""")
        .param(runnerInstance)
        .query(RunnerStore::attemptRow)
        .list();
  }

  public void finishAttempt(String attemptId, String status) {
    jdbc.sql("UPDATE phase_attempt SET status = ?, finished_at = now() WHERE attempt_id = ?")
        .params(status, attemptId)
        .update();
  }

  public Optional<AttemptRow> attempt(String attemptId) {
    return jdbc.sql("SELECT * FROM phase_attempt WHERE attempt_id = ?")
        .param(attemptId)
        .query(RunnerStore::attemptRow)
        .optional();
  }

  public List<AttemptRow> attemptsWithStatus(String status) {
    return jdbc.sql("SELECT * FROM phase_attempt WHERE status = ? ORDER BY queued_at")
        .param(status)
        .query(RunnerStore::attemptRow)
        .list();
  }

  public List<AttemptRow> attempts(String executionId) {
    return jdbc.sql("SELECT * FROM phase_attempt WHERE execution_id = ? ORDER BY queued_at")
        .param(executionId)
        .query(RunnerStore::attemptRow)
        .list();
  }

  private static AttemptRow attemptRow(ResultSet rs, int n) throws SQLException {
    return new AttemptRow(
        rs.getString("attempt_id"),
        rs.getString("execution_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        rs.getInt("max_attempts"),
        rs.getString("command_id"),
        rs.getString("context_file"),
        rs.getString("previous_error"),
        rs.getString("status"));
  }

  /** An execution as the runner keeps it. */
  public record ExecutionRow(
      String executionId, String pipeline, String status, String currentPhase, String workspace) {}

  /** One attempt of a phase. */
  public record AttemptRow(
      String attemptId,
      String executionId,
      String phase,
      int attemptNumber,
      int maxAttempts,
      String commandId,
      String contextFile,
      String previousError,
      String status) {}
}
