package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;

/**
 * A person asked to cancel an execution that has ended already (SUCCEEDED or CANCELLED): nothing is
 * left to stop, so the request is refused (REST 409) rather than answered as if it had cancelled.
 */
public class ExecutionEndedException extends ExecutionConflictException {

  private final transient ExecutionStatus status;

  public ExecutionEndedException(String executionId, ExecutionStatus status) {
    super("execution %s already %s; nothing to cancel".formatted(executionId, status));
    this.status = status;
  }

  /** The status the execution ended with. */
  public ExecutionStatus status() {
    return status;
  }
}
