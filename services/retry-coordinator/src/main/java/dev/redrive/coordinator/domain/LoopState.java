package dev.redrive.coordinator.domain;

/**
 * Where a pipeline's own loop stood when one of its checks failed (the runner reports it with the
 * failure). While iterations are left the runner has already sent the work back to {@code target}:
 * the failure is recorded, not counted and not retried. Once the loop is exhausted the failure is
 * decided like any other.
 *
 * @param target the earlier phase the loop sends the work back to
 * @param exhausted true when no iterations were left
 */
public record LoopState(String target, boolean exhausted) {

  /** Whether the loop handles the failure, so that the coordinator must not count or retry it. */
  public boolean handlesTheFailure() {
    return !exhausted;
  }
}
