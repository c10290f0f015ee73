package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.PhaseStatus;
import dev.redrive.runner.domain.RollbackRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The runner's view of one execution: what {@code GET /api/v1/executions/{id}/phases} answers and
 * what {@code .redrive/state.json} holds.
 *
 * @param phases every phase of the pipeline in order, with its status
 * @param resumeFrom where a resume without a named phase would start (null when all completed)
 * @param lastError the latest failure ({@code TYPE: message}) while the execution is failed
 * @param attempts every attempt, oldest first (superseded ones included, as history)
 * @param rollbacks every rollback and resume, oldest first
 */
public record ExecutionView(
    Execution execution,
    List<PhaseView> phases,
    String resumeFrom,
    String lastError,
    List<Attempt> attempts,
    List<RollbackRecord> rollbacks) {

  /**
   * One phase.
   *
   * @param attempts attempts of the phase since the last rollback that cleared it
   * @param lastAttempt the latest of those, or null
   * @param checkpoint the phase's active checkpoint, or null
   * @param loop the phase's loop and the iterations it used, or null
   */
  public record PhaseView(
      String name,
      PhaseStatus status,
      int attempts,
      LastAttempt lastAttempt,
      Checkpoint checkpoint,
      Loop loop) {}

  /** The latest attempt of a phase. */
  public record LastAttempt(
      String attemptId,
      int attemptNumber,
      AttemptStatus status,
      AttemptOrigin origin,
      String failureType,
      String errorMessage) {}

  /** A checkpoint: when it was taken, by which attempt, and its files (path to SHA-256). */
  public record Checkpoint(String attemptId, Instant createdAt, Map<String, String> files) {}

  /** A loop: where it goes back to, iterations used and allowed, and on which check. */
  public record Loop(String onCheck, String target, int iterations, int maxIterations) {}
}
