package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.FailureType;

/**
 * What changes of an execution: its status, phase, last error and the type of its last failure
 * (each null: keep the old one).
 */
public record ExecutionUpdate(
    String executionId,
    ExecutionStatus status,
    String currentPhase,
    String lastError,
    FailureType lastFailureType) {

  /** This update followed by {@code later}: what the later one sets wins. */
  public ExecutionUpdate then(ExecutionUpdate later) {
    return new ExecutionUpdate(
        executionId,
        later.status != null ? later.status : status,
        later.currentPhase != null ? later.currentPhase : currentPhase,
        later.lastError != null ? later.lastError : lastError,
        later.lastFailureType != null ? later.lastFailureType : lastFailureType);
  }
}
