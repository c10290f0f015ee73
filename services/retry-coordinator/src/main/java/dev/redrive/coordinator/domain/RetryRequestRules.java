package dev.redrive.coordinator.domain;

import dev.redrive.contract.ExecutionStatus;
import java.util.List;
import java.util.Optional;

/** Whether a person's retry request may go ahead, and if not, what to tell them. */
public final class RetryRequestRules {

  private RetryRequestRules() {}

  /** Why a request is refused, in the words a person reads. */
  public record Refusal(Kind kind, String reason) {

    /** The kind of refusal (the REST status follows from it). */
    public enum Kind {
      NOT_FAILED,
      UNKNOWN_PHASE,
      NOT_RESUBMITTABLE,
      /** Not even a forced retry can run now: the phase-runner would refuse the command. */
      NOT_RUNNABLE
    }
  }

  /**
   * @param status the execution's status
   * @param force retry whatever the status (audited as forced)
   * @param fromPhase the phase to resume from, or null
   * @param knownPhases the execution's phases, in order
   * @param resubmit the request asks for a new execution
   * @param runByRedrive the execution runs on Redrive's phase-runner (only those can be
   *     resubmitted)
   */
  public static Optional<Refusal> check(
      ExecutionStatus status,
      boolean force,
      String fromPhase,
      List<String> knownPhases,
      boolean resubmit,
      boolean runByRedrive) {
    if (fromPhase != null && !knownPhases.contains(fromPhase)) {
      return Optional.of(
          new Refusal(
              Refusal.Kind.UNKNOWN_PHASE,
              "Unknown phase '%s'. Valid phases: %s"
                  .formatted(fromPhase, String.join(", ", knownPhases))));
    }
    if (resubmit && !runByRedrive) {
      return Optional.of(
          new Refusal(
              Refusal.Kind.NOT_RESUBMITTABLE,
              "Only executions run by the Redrive phase-runner can be resubmitted as new; "
                  + "retry this one in place."));
    }
    if (runByRedrive && !resubmit) {
      Optional<Refusal> notRunnable = notRunnable(status, fromPhase);
      if (notRunnable.isPresent()) {
        return notRunnable;
      }
    }
    if (!force && status != ExecutionStatus.PAUSED) {
      return Optional.of(
          new Refusal(
              Refusal.Kind.NOT_FAILED,
              "Cannot retry - process is not in failed status. Current status: %s. Retry is only available for failed processes; use force to retry anyway."
                  .formatted(status)));
    }
    return Optional.empty();
  }

  /**
   * The states in which the phase-runner refuses a retry command whatever the request says, so that
   * accepting it would leave a command nobody runs (and the execution waiting for it): one phase
   * runs at a time, a scheduled retry is already on its way, and a cancelled execution runs again
   * only through a resume, which restores its workspace.
   */
  private static Optional<Refusal> notRunnable(ExecutionStatus status, String fromPhase) {
    String reason =
        switch (status) {
          case RUNNING ->
              "Cannot retry now - a phase of this execution is running, and the phase-runner runs"
                  + " one phase at a time (force does not change that). Wait for the attempt to"
                  + " end, or cancel the execution and then resume it from a phase.";
          case RETRY_SCHEDULED ->
              "Cannot retry now - a retry of this execution is already scheduled (force does not"
                  + " add a second one). Wait for it to run, or pause the execution's retries.";
          case CANCELLED ->
              fromPhase != null
                  ? null
                  : "Cannot retry in place - the execution was cancelled. Resume it from a phase"
                      + " instead (fromPhase with force; in the CLI --from PHASE --force) or"
                      + " resubmit it as new (--new).";
          default -> null;
        };
    return reason == null
        ? Optional.empty()
        : Optional.of(new Refusal(Refusal.Kind.NOT_RUNNABLE, reason));
  }

  /** The phases a resume would run again: from the given phase to the end. */
  public static List<String> phasesToRun(List<String> knownPhases, String fromPhase) {
    int start = knownPhases.indexOf(fromPhase);
    return start < 0 ? List.of(fromPhase) : knownPhases.subList(start, knownPhases.size());
  }
}
