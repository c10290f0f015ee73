package dev.redrive.coordinator.domain;

/** What a person should do about a failure that Redrive will not retry by itself. */
public final class RecommendedActions {

  private RecommendedActions() {}

  public static String forFailure(Failure failure) {
    String fix =
        switch (failure.type()) {
          case MISSING_OUTPUT ->
              "Check why phase '%s' did not produce its expected outputs"
                  .formatted(failure.phase());
          case EXIT_CRITERIA_NOT_MET ->
              "Fix the failed checks: "
                  + String.join(
                      ", ", failure.failedChecks().stream().map(CheckOutcome::name).toList());
          case UNAUTHORIZED_WRITE ->
              "Review the files quarantined in artifacts/_untrusted/" + failure.phase();
          case COMMAND_FAILED ->
              failure.exitCode() == null
                  ? "Read the error report and the log excerpt"
                  : "Read the error report and the log excerpt (exit code %d)"
                      .formatted(failure.exitCode());
          case TIMEOUT -> "Find out why the phase ran past its timeout, or raise the timeout";
          case INTERRUPTED -> "Check why the runner stopped while the phase ran";
          case INFRASTRUCTURE -> "Check that the phase's command and environment are available";
          case OTHER -> "Read the error report";
        };
    return "1. %s\n2. Retry phase '%s': redrive retry <execution-id> (--reset-count for a fresh set of attempts)"
        .formatted(fix, failure.phase());
  }
}
