package dev.redrive.runner.app;

import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.LoopCount;
import dev.redrive.runner.domain.RollbackRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What lets an execution go back (port): checkpoint manifests, loop counters and rollbacks. Every
 * call joins the caller's transaction.
 */
public interface CheckpointStore {

  /** Records a checkpoint of the phase and makes it the phase's active one. */
  void recordCheckpoint(
      String checkpointId,
      String executionId,
      String phase,
      String attemptId,
      Map<String, FileFingerprint> files);

  void deactivateCheckpoints(String executionId, Collection<String> phases);

  /** The active checkpoint of each phase that has one, by phase. */
  Map<String, Checkpoint> activeCheckpoints(String executionId);

  /** Loop iterations the phase's loop used in this execution. */
  int loopIterations(String executionId, String phase);

  /** Counts one more iteration of the phase's loop; returns the new count. */
  int countLoopIteration(String executionId, String phase, String target);

  /** Gives the loops of the phases their iterations back (a rollback cleared those phases). */
  void resetLoops(String executionId, Collection<String> phases);

  List<LoopCount> loops(String executionId);

  void recordRollback(RollbackRecord rollback);

  Optional<RollbackRecord> rollbackByCommand(String commandId);

  /** Every rollback of the execution, oldest first. */
  List<RollbackRecord> rollbacks(String executionId);
}
