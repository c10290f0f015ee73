package dev.redrive.coordinator.app;

import java.util.List;

/**
 * The answer to a retry request, stored with the request so that a repeated request id gets the
 * same answer again.
 *
 * @param executionId the execution that will run (the new one for a resubmission)
 * @param originalExecutionId the execution the request named, when it differs
 * @param phase the phase that will run first
 * @param phasesToRun for a dry run: the phases that would run again
 * @param validPhases for an unknown phase: the ones the execution has
 * @param message one line for a person, e.g. "Retry started: exec_xyz789"
 */
public record RetryAnswer(
    Result result,
    String requestId,
    String executionId,
    String originalExecutionId,
    String mode,
    String phase,
    boolean forced,
    boolean countReset,
    List<String> phasesToRun,
    List<String> validPhases,
    String currentStatus,
    String message) {

  /** How the request ended. */
  public enum Result {
    ACCEPTED,
    DRY_RUN,
    NOT_FOUND,
    NOT_FAILED,
    UNKNOWN_PHASE,
    NOT_RESUBMITTABLE,
    NOT_RUNNABLE;

    public boolean refused() {
      return this != ACCEPTED && this != DRY_RUN;
    }
  }
}
