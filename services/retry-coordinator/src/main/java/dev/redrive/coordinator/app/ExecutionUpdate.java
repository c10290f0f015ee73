package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.FailureType;

/**
 * What changes of an execution: its status, phase, last error, the type of its last failure, the
 * coordinator's last decision about it when that was a pause or a resume, and the command of its
 * last retry, whose retry context keeps that retry's why (each null: keep the old one).
 */
public record ExecutionUpdate(
    String executionId,
    ExecutionStatus status,
    String currentPhase,
    String lastError,
    FailureType lastFailureType,
    ExplainedDecision lastDecision,
    String lastRetryCommand) {

  public ExecutionUpdate(
      String executionId,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      FailureType lastFailureType,
      ExplainedDecision lastDecision) {
    this(executionId, status, currentPhase, lastError, lastFailureType, lastDecision, null);
  }

  public ExecutionUpdate(
      String executionId,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      FailureType lastFailureType) {
    this(executionId, status, currentPhase, lastError, lastFailureType, null, null);
  }

  /** The execution's last retry is the command {@code commandId}. */
  public static ExecutionUpdate retried(String executionId, String commandId) {
    return new ExecutionUpdate(executionId, null, null, null, null, null, commandId);
  }

  /** This update followed by {@code later}: what the later one sets wins. */
  public ExecutionUpdate then(ExecutionUpdate later) {
    return new ExecutionUpdate(
        executionId,
        later.status != null ? later.status : status,
        later.currentPhase != null ? later.currentPhase : currentPhase,
        later.lastError != null ? later.lastError : lastError,
        later.lastFailureType != null ? later.lastFailureType : lastFailureType,
        later.lastDecision != null ? later.lastDecision : lastDecision,
        later.lastRetryCommand != null ? later.lastRetryCommand : lastRetryCommand);
  }
}
