package dev.redrive.coordinator.domain;

/** Where an execution stands, as far as the coordinator knows. */
public enum ExecutionStatus {
  /** A phase is running or about to. */
  RUNNING,
  /** A phase failed and a retry command is scheduled. */
  RETRY_SCHEDULED,
  /**
   * A phase failed and Redrive will not retry it without a person's request: the "failed" status a
   * retry request needs.
   */
  PAUSED,
  /** The runner reported the execution complete. */
  SUCCEEDED,
  /** The execution was cancelled. */
  CANCELLED
}
