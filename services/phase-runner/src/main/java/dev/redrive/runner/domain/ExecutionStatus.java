package dev.redrive.runner.domain;

/**
 * Where an execution stands as a whole: RUNNING while a phase is queued or runs, FAILED when its
 * latest attempt failed (a retry, rollback or resume can run it again), SUCCEEDED when its last
 * phase succeeded, CANCELLED after a cancel. Stored and shown by these names.
 */
public enum ExecutionStatus {
  RUNNING,
  FAILED,
  SUCCEEDED,
  CANCELLED;

  /** Whether a cancel has nothing left to stop. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == CANCELLED;
  }
}
