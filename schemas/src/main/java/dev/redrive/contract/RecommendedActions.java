package dev.redrive.contract;

import java.util.List;

/**
 * What a person should do about a failed attempt: one first step per failure type, then the retry
 * command. The same text goes into the error report ({@link ErrorReport}) and into the
 * coordinator's {@code InterventionRequired}, so it reads without the report around it.
 */
public final class RecommendedActions {

  private RecommendedActions() {}

  /** The advice for this failed attempt. */
  public static String forFailure(FailedAttempt failure) {
    return forFailure(
        failure.failureType(),
        failure.executionId(),
        failure.phase(),
        failure.failedCheckNames(),
        failure.exitCode(),
        failure.missingOutputOf());
  }

  /**
   * The advice for a failure, in two numbered lines.
   *
   * @param failureType the failure type's name; a name this table does not know gets the general
   *     advice
   * @param executionId the execution, named in the retry command
   * @param failedChecks names of the exit criteria that failed (may be empty)
   * @param exitCode the command's exit code, or null
   * @param missingOutputOf for a missing input ({@code MISSING_OUTPUT}), the earlier phase whose
   *     output is missing, or null: that phase is the one to fix and run again, from where the
   *     chain halted
   */
  public static String forFailure(
      String failureType,
      String executionId,
      String phase,
      List<String> failedChecks,
      Integer exitCode,
      String missingOutputOf) {
    String id = executionId == null || executionId.isBlank() ? "<execution-id>" : executionId;
    if ("MISSING_OUTPUT".equals(failureType)
        && missingOutputOf != null
        && !missingOutputOf.equals(phase)) {
      return ("1. Make phase '%s' produce the outputs phase '%s' needs\n"
              + "2. Run again from %s stage: redrive retry %s --from %s")
          .formatted(missingOutputOf, phase, missingOutputOf, id, missingOutputOf);
    }
    return "1. %s\n2. Retry %s stage: redrive retry %s (add --reset-count for a fresh set of attempts)"
        .formatted(firstStep(failureType, phase, failedChecks, exitCode), phase, id);
  }

  private static String firstStep(
      String failureType, String phase, List<String> failedChecks, Integer exitCode) {
    return switch (failureType == null ? "" : failureType) {
      case "MISSING_OUTPUT" -> "Make phase '%s' produce its expected outputs".formatted(phase);
      case "EXIT_CRITERIA_NOT_MET" ->
          failedChecks.isEmpty()
              ? "Fix the failed checks"
              : "Fix the failed checks: " + String.join(", ", failedChecks);
      case "UNAUTHORIZED_WRITE" -> "Review the quarantined files in artifacts/_untrusted/" + phase;
      case "COMMAND_FAILED" ->
          exitCode == null
              ? "Read the error message and the log excerpt and fix the cause"
              : "Read the error message and the log excerpt (exit code %d) and fix the cause"
                  .formatted(exitCode);
      case "TIMEOUT" -> "Find out why the phase ran past its timeout, or raise the timeout";
      case "INTERRUPTED" ->
          "Nothing to fix in the phase: the runner stopped while it ran (if the stop was not"
              + " planned, find out why in the runner's log)";
      case "INFRASTRUCTURE" -> "Check that the phase's command and environment are available";
      default -> "Read the error message and the log excerpt and fix the cause";
    };
  }
}
