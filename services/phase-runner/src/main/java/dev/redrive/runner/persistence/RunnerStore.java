package dev.redrive.runner.persistence;

import dev.redrive.runner.domain.FileFingerprint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The runner's tables: executions, the attempts of their phases, checkpoints, loop counters and
 * rollbacks.
 */
@Repository
public class RunnerStore {

  private final JdbcClient jdbc;

  public RunnerStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a new execution; false when one with that id exists already. */
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
        .query(RunnerStore::executionRow)
        .optional();
  }

  /**
   * Reads the execution and locks its row until the transaction ends, so that commands and the
   * worker finishing an attempt change one execution one at a time (across runner instances).
   */
  public Optional<ExecutionRow> lockExecution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ? FOR UPDATE")
        .param(executionId)
        .query(RunnerStore::executionRow)
        .optional();
  }

  public void queueAttempt(AttemptRow attempt) {
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
            attempt.origin(),
            attempt.note())
        .update();
  }

  /**
   * Moves a QUEUED attempt to RUNNING on this runner instance; false if another worker or a
   * duplicate already did, or a cancel or rollback took it off the queue.
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
    return withStatusOn("RUNNING", runnerInstance);
  }

  /** Attempts of this runner instance in the given status. */
  public List<AttemptRow> withStatusOn(String status, String runnerInstance) {
    return jdbc.sql(
            """
            SELECT * FROM phase_attempt WHERE status = ? AND runner_instance = ?
            ORDER BY queued_at""")
        .params(status, runnerInstance)
        .query(RunnerStore::attemptRow)
        .list();
  }

  public void finishAttempt(String attemptId, String status) {
    jdbc.sql("UPDATE phase_attempt SET status = ?, finished_at = now() WHERE attempt_id = ?")
        .params(status, attemptId)
        .update();
  }

  /** Ends an attempt that did not succeed, with what went wrong. */
  public void finishAttempt(
      String attemptId, String status, String failureType, String errorMessage) {
    jdbc.sql(
            """
            UPDATE phase_attempt SET status = ?, failure_type = ?, error_message = ?,
              finished_at = now() WHERE attempt_id = ?""")
        .params(status, failureType, errorMessage, attemptId)
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
    return jdbc.sql(
            "SELECT * FROM phase_attempt WHERE execution_id = ? ORDER BY queued_at, attempt_id")
        .param(executionId)
        .query(RunnerStore::attemptRow)
        .list();
  }

  /** Attempts of the execution that are queued, running or being cancelled. */
  public List<AttemptRow> activeAttempts(String executionId) {
    return jdbc.sql(
            """
            SELECT * FROM phase_attempt WHERE execution_id = ?
              AND status IN ('QUEUED', 'RUNNING', 'CANCELLING') ORDER BY queued_at""")
        .param(executionId)
        .query(RunnerStore::attemptRow)
        .list();
  }

  /** The highest attempt number the phase has had in this execution (0 when none). */
  public int maxAttemptNumber(String executionId, String phase) {
    return jdbc.sql(
            """
            SELECT coalesce(max(attempt_number), 0) FROM phase_attempt
            WHERE execution_id = ? AND phase = ?""")
        .params(executionId, phase)
        .query(Integer.class)
        .single();
  }

  /** Takes the execution's QUEUED attempts off the queue (CANCELLED); returns how many. */
  public int cancelQueued(String executionId) {
    return jdbc.sql(
            """
            UPDATE phase_attempt SET status = 'CANCELLED', finished_at = now()
            WHERE execution_id = ? AND status = 'QUEUED'""")
        .param(executionId)
        .update();
  }

  /** Marks the execution's RUNNING attempts CANCELLING; returns them. */
  public List<AttemptRow> markCancelling(String executionId) {
    List<AttemptRow> running =
        jdbc.sql("SELECT * FROM phase_attempt WHERE execution_id = ? AND status = 'RUNNING'")
            .param(executionId)
            .query(RunnerStore::attemptRow)
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

  /** Records a checkpoint of the phase and makes it the phase's active one. */
  public void recordCheckpoint(
      String checkpointId,
      String executionId,
      String phase,
      String attemptId,
      Map<String, FileFingerprint> files) {
    deactivateCheckpoints(executionId, List.of(phase));
    jdbc.sql(
            """
            INSERT INTO checkpoint (checkpoint_id, execution_id, phase, attempt_id)
            VALUES (?, ?, ?, ?)""")
        .params(checkpointId, executionId, phase, attemptId)
        .update();
    files.forEach(
        (path, fingerprint) ->
            jdbc.sql(
                    """
                    INSERT INTO checkpoint_file (checkpoint_id, path, sha256, size_bytes)
                    VALUES (?, ?, ?, ?)""")
                .params(checkpointId, path, fingerprint.sha256(), fingerprint.size())
                .update());
  }

  public void deactivateCheckpoints(String executionId, Collection<String> phases) {
    if (phases.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            UPDATE checkpoint SET active = false
            WHERE execution_id = :execution AND active AND phase IN (:phases)""")
        .param("execution", executionId)
        .param("phases", List.copyOf(phases))
        .update();
  }

  /** The active checkpoint of each phase that has one, by phase. */
  public Map<String, CheckpointRow> activeCheckpoints(String executionId) {
    Map<String, CheckpointRow> checkpoints = new LinkedHashMap<>();
    jdbc.sql(
            """
            SELECT c.checkpoint_id, c.phase, c.attempt_id, c.created_at, f.path, f.sha256,
              f.size_bytes
            FROM checkpoint c LEFT JOIN checkpoint_file f ON f.checkpoint_id = c.checkpoint_id
            WHERE c.execution_id = ? AND c.active ORDER BY c.created_at, f.path""")
        .param(executionId)
        .query(
            (RowCallbackHandler)
                rs -> {
                  String phase = rs.getString("phase");
                  CheckpointRow row = checkpoints.get(phase);
                  if (row == null) {
                    row =
                        new CheckpointRow(
                            rs.getString("checkpoint_id"),
                            phase,
                            rs.getString("attempt_id"),
                            instant(rs.getTimestamp("created_at")),
                            new TreeMap<>());
                    checkpoints.put(phase, row);
                  }
                  String path = rs.getString("path");
                  if (path != null) {
                    row.files()
                        .put(
                            path,
                            new FileFingerprint(rs.getLong("size_bytes"), rs.getString("sha256")));
                  }
                });
    return checkpoints;
  }

  /** Loop iterations the phase's loop used in this execution. */
  public int loopIterations(String executionId, String phase) {
    return jdbc.sql("SELECT iterations FROM loop_counter WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  /** Counts one more iteration of the phase's loop; returns the new count. */
  public int countLoopIteration(String executionId, String phase, String target) {
    return jdbc.sql(
            """
            INSERT INTO loop_counter (execution_id, phase, target, iterations) VALUES (?, ?, ?, 1)
            ON CONFLICT (execution_id, phase) DO UPDATE
              SET iterations = loop_counter.iterations + 1, target = excluded.target,
                updated_at = now()
            RETURNING iterations""")
        .params(executionId, phase, target)
        .query(Integer.class)
        .single();
  }

  /** Gives the loops of the phases their iterations back (a rollback cleared those phases). */
  public void resetLoops(String executionId, Collection<String> phases) {
    if (phases.isEmpty()) {
      return;
    }
    jdbc.sql("DELETE FROM loop_counter WHERE execution_id = :execution AND phase IN (:phases)")
        .param("execution", executionId)
        .param("phases", List.copyOf(phases))
        .update();
  }

  public List<LoopRow> loops(String executionId) {
    return jdbc.sql(
            "SELECT phase, target, iterations FROM loop_counter WHERE execution_id = ? ORDER BY phase")
        .param(executionId)
        .query(
            (rs, n) ->
                new LoopRow(rs.getString("phase"), rs.getString("target"), rs.getInt("iterations")))
        .list();
  }

  public void recordRollback(RollbackRow rollback) {
    jdbc.sql(
            """
            INSERT INTO rollback (rollback_id, execution_id, command_id, to_phase, cleared_phases,
              archive, attempt_id, note, requested_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
        .params(
            rollback.rollbackId(),
            rollback.executionId(),
            rollback.commandId(),
            rollback.toPhase(),
            String.join(",", rollback.clearedPhases()),
            rollback.archive(),
            rollback.attemptId(),
            rollback.note(),
            rollback.requestedBy())
        .update();
  }

  public Optional<RollbackRow> rollbackByCommand(String commandId) {
    return jdbc.sql("SELECT * FROM rollback WHERE command_id = ?")
        .param(commandId)
        .query(RunnerStore::rollbackRow)
        .optional();
  }

  public List<RollbackRow> rollbacks(String executionId) {
    return jdbc.sql("SELECT * FROM rollback WHERE execution_id = ? ORDER BY created_at")
        .param(executionId)
        .query(RunnerStore::rollbackRow)
        .list();
  }

  private static ExecutionRow executionRow(ResultSet rs, int n) throws SQLException {
    return new ExecutionRow(
        rs.getString("execution_id"),
        rs.getString("pipeline"),
        rs.getString("status"),
        rs.getString("current_phase"),
        rs.getString("workspace"),
        rs.getString("resubmit_of"),
        rs.getString("requested_by"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")));
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
        rs.getString("status"),
        rs.getString("origin"),
        rs.getString("note"),
        rs.getBoolean("superseded"),
        rs.getString("failure_type"),
        rs.getString("error_message"),
        instant(rs.getTimestamp("queued_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static RollbackRow rollbackRow(ResultSet rs, int n) throws SQLException {
    String cleared = rs.getString("cleared_phases");
    return new RollbackRow(
        rs.getString("rollback_id"),
        rs.getString("execution_id"),
        rs.getString("command_id"),
        rs.getString("to_phase"),
        cleared.isEmpty() ? List.of() : Arrays.asList(cleared.split(",")),
        rs.getString("archive"),
        rs.getString("attempt_id"),
        rs.getString("note"),
        rs.getString("requested_by"),
        instant(rs.getTimestamp("created_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /** An execution as the runner keeps it. */
  public record ExecutionRow(
      String executionId,
      String pipeline,
      String status,
      String currentPhase,
      String workspace,
      String resubmitOf,
      String requestedBy,
      Instant createdAt,
      Instant updatedAt) {}

  /**
   * One attempt of a phase.
   *
   * @param origin CHAIN, RETRY, LOOP or ROLLBACK: what queued it
   * @param note a person's note for the attempt (a rollback's), or null
   * @param superseded a later rollback cleared this attempt's phase
   */
  public record AttemptRow(
      String attemptId,
      String executionId,
      String phase,
      int attemptNumber,
      int maxAttempts,
      String commandId,
      String contextFile,
      String previousError,
      String status,
      String origin,
      String note,
      boolean superseded,
      String failureType,
      String errorMessage,
      Instant queuedAt,
      Instant startedAt,
      Instant finishedAt) {

    /** A new attempt, not yet in the database. */
    public static AttemptRow queued(
        String attemptId,
        String executionId,
        String phase,
        int attemptNumber,
        int maxAttempts,
        String commandId,
        String contextFile,
        String previousError,
        String origin,
        String note) {
      return new AttemptRow(
          attemptId,
          executionId,
          phase,
          attemptNumber,
          maxAttempts,
          commandId,
          contextFile,
          previousError,
          "QUEUED",
          origin,
          note,
          false,
          null,
          null,
          null,
          null,
          null);
    }
  }

  /** The active checkpoint of a phase: its files by workspace-relative path. */
  public record CheckpointRow(
      String checkpointId,
      String phase,
      String attemptId,
      Instant createdAt,
      Map<String, FileFingerprint> files) {}

  /** Iterations a phase's loop used. */
  public record LoopRow(String phase, String target, int iterations) {}

  /** One rollback (a Rollback command or a resume). */
  public record RollbackRow(
      String rollbackId,
      String executionId,
      String commandId,
      String toPhase,
      List<String> clearedPhases,
      String archive,
      String attemptId,
      String note,
      String requestedBy,
      Instant createdAt) {}
}
