package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.LoopState;
import dev.redrive.runner.domain.PhaseRetryPolicy;
import dev.redrive.runner.domain.Pipeline;
import java.util.List;
import java.util.Map;

/** What the runner reports, written to the outbox in the caller's transaction (port). */
public interface RunnerEvents {

  void executionStarted(String executionId, Pipeline pipeline, Map<String, String> parameters);

  void attemptStarted(String pipeline, Attempt attempt);

  /** The attempt succeeded; {@code checkpoint} is the phase's files (path to SHA-256). */
  void attemptSucceeded(
      String pipeline, Attempt attempt, AttemptOutcome outcome, Map<String, String> checkpoint);

  /**
   * The attempt failed.
   *
   * @param declaredPolicy the phase's own retry policy, for the coordinator; null when it has none
   * @param loop where the phase's loop stands when its check failed; null for any other failure
   * @param archive where the attempt's artifacts were archived
   * @param errorReport the {@code error.log} text
   * @param digests what the attempt read and left, or null when not known
   */
  void attemptFailed(
      String pipeline,
      Attempt attempt,
      AttemptOutcome outcome,
      PhaseRetryPolicy declaredPolicy,
      LoopState loop,
      String archive,
      String errorReport,
      AttemptDigests digests);

  void executionSucceeded(String executionId, String pipeline, long durationMs);

  /** The chain stopped before {@code phase} because an earlier phase's output is missing. */
  void executionHalted(String executionId, String pipeline, String phase, String reason);

  /**
   * The execution went back to {@code toPhase}: a rollback (the cleared phases' artifacts were
   * archived) or a loop iteration (nothing cleared).
   *
   * @param requestedBy who asked for the rollback or resume; null for a loop iteration
   */
  void rolledBack(
      String executionId,
      String pipeline,
      String toPhase,
      List<String> clearedPhases,
      String requestedBy);

  /**
   * The execution was cancelled.
   *
   * @param requestedBy who asked; null when nobody was named
   */
  void executionCancelled(String executionId, String pipeline, String reason, String requestedBy);
}
