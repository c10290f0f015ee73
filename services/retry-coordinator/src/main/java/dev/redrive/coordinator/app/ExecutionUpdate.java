package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.FailureType;

/**
 * What changes of an execution: its status, phase, last error, the type of its last failure and the
 * coordinator's last decision about it (each null: keep the old one).
 */
public record ExecutionUpdate(
    String executionId,
    ExecutionStatus status,
    String currentPhase,
    String lastError,
    FailureType lastFailureType,
    ExplainedDecision lastDecision) {

  public ExecutionUpdate(
      String executionId,
      ExecutionStatus status,
      String currentPhase,
      String lastError,
      FailureType lastFailureType) {
    this(executionId, status, currentPhase, lastError, lastFailureType, null);
  }

  /** This update followed by {@code later}: what the later one sets wins. */
  public ExecutionUpdate then(ExecutionUpdate later) {
    return new ExecutionUpdate(
        executionId,
        later.status != null ? later.status : status,
        later.currentPhase != null ? later.currentPhase : currentPhase,
        later.lastError != null ? later.lastError : lastError,
        later.lastFailureType != null ? later.lastFailureType : lastFailureType,
        later.lastDecision != null ? later.lastDecision : lastDecision);
  }
}
