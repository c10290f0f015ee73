package dev.redrive.runner.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where a phase of an execution stands, as the state file and the REST view show it. */
public enum PhaseStatus {
  PENDING,
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /**
   * The status of a phase.
   *
   * @param latest status of its latest attempt that was not cleared by a rollback, or null
   * @param checkpointed whether the phase has a valid checkpoint (it completed and nothing undid
   *     it)
   */
  public static PhaseStatus of(AttemptStatus latest, boolean checkpointed) {
    if (latest == AttemptStatus.QUEUED) {
      return QUEUED;
    }
    if (latest == AttemptStatus.RUNNING || latest == AttemptStatus.CANCELLING) {
      return RUNNING;
    }
    if (checkpointed) {
      return COMPLETED;
    }
    if (latest == AttemptStatus.FAILED) {
      return FAILED;
    }
    if (latest == AttemptStatus.CANCELLED) {
      return CANCELLED;
    }
    return PENDING;
  }

  /** Where a resume without a named phase starts: the first phase that is not complete. */
  public static Optional<String> resumePoint(
      List<String> phases, Map<String, PhaseStatus> statuses) {
    return phases.stream().filter(p -> statuses.get(p) != COMPLETED).findFirst();
  }
}
