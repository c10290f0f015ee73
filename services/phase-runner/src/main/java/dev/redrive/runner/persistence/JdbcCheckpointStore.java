package dev.redrive.runner.persistence;

import dev.redrive.runner.app.CheckpointStore;
import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.LoopCount;
import dev.redrive.runner.domain.RollbackRecord;
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
 * What lets an execution go back: checkpoints and their files, loop counters and rollbacks (tables
 * checkpoint, checkpoint_file, loop_counter, rollback).
 */
@Repository
public class JdbcCheckpointStore implements CheckpointStore {

  private final JdbcClient jdbc;

  public JdbcCheckpointStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a checkpoint of the phase and makes it the phase's active one. */
  @Override
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

  @Override
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
  @Override
  public Map<String, Checkpoint> activeCheckpoints(String executionId) {
    Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
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
                  Checkpoint row = checkpoints.get(phase);
                  if (row == null) {
                    row =
                        new Checkpoint(
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
  @Override
  public int loopIterations(String executionId, String phase) {
    return jdbc.sql("SELECT iterations FROM loop_counter WHERE execution_id = ? AND phase = ?")
        .params(executionId, phase)
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  /** Counts one more iteration of the phase's loop; returns the new count. */
  @Override
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
  @Override
  public void resetLoops(String executionId, Collection<String> phases) {
    if (phases.isEmpty()) {
      return;
    }
    jdbc.sql("DELETE FROM loop_counter WHERE execution_id = :execution AND phase IN (:phases)")
        .param("execution", executionId)
        .param("phases", List.copyOf(phases))
        .update();
  }

  @Override
  public List<LoopCount> loops(String executionId) {
    return jdbc.sql(
            "SELECT phase, target, iterations FROM loop_counter WHERE execution_id = ? ORDER BY phase")
        .param(executionId)
        .query(
            (rs, n) ->
                new LoopCount(
                    rs.getString("phase"), rs.getString("target"), rs.getInt("iterations")))
        .list();
  }

  @Override
  public void recordRollback(RollbackRecord rollback) {
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

  @Override
  public Optional<RollbackRecord> rollbackByCommand(String commandId) {
    return jdbc.sql("SELECT * FROM rollback WHERE command_id = ?")
        .param(commandId)
        .query(JdbcCheckpointStore::rollbackRow)
        .optional();
  }

  @Override
  public List<RollbackRecord> rollbacks(String executionId) {
    return jdbc.sql("SELECT * FROM rollback WHERE execution_id = ? ORDER BY created_at")
        .param(executionId)
        .query(JdbcCheckpointStore::rollbackRow)
        .list();
  }

  private static RollbackRecord rollbackRow(ResultSet rs, int n) throws SQLException {
    String cleared = rs.getString("cleared_phases");
    return new RollbackRecord(
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
}
