package dev.redrive.contract;

/**
 * Where an execution stands, in the one vocabulary every service and the CLI use: stored, shown in
 * REST answers and compared by these names. A service reports only the values it can know.
 */
public enum ExecutionStatus {
  /** A phase is queued or runs (phase-runner, retry-coordinator, audit). */
  RUNNING,
  /**
   * A phase failed and the execution waits for the coordinator's decision: a retry, a pause or, for
   * a missing earlier output, the chain halted ({@code ExecutionHalted}) (phase-runner, audit).
   */
  HALTED,
  /** A phase failed and a retry command is scheduled (retry-coordinator, audit). */
  RETRY_SCHEDULED,
  /**
   * A phase failed and Redrive will not retry it without a person's request: the "failed" status a
   * retry request needs (retry-coordinator, audit).
   */
  PAUSED,
  /** The last phase succeeded (phase-runner, retry-coordinator, audit). */
  SUCCEEDED,
  /** The execution was cancelled (phase-runner, retry-coordinator, audit). */
  CANCELLED;

  /** Whether nothing more happens to the execution by itself: nothing is left to run or stop. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == CANCELLED;
  }
}
