package dev.redrive.runner.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The error report of a failed attempt, in the format of the reference {@code error.log}. */
public final class ErrorReport {

  private static final String RULE = "============================================";

  private ErrorReport() {}

  public static String format(
      Instant at,
      String phase,
      int attempt,
      int maxAttempts,
      AttemptOutcome outcome,
      String archivedTo,
      String recommendedAction) {
    StringBuilder report = new StringBuilder();
    report.append(RULE).append('\n').append("ERROR REPORT\n").append(RULE).append('\n');
    report.append("Timestamp: ").append(at.truncatedTo(ChronoUnit.SECONDS)).append('\n');
    report.append("Stage: ").append(phase).append('\n');
    report.append("Attempt: ").append(attempt).append('/').append(maxAttempts).append('\n');
    report.append("Status: FAILED\n\n");
    report.append("Error Type: ").append(outcome.failureType());
    if (outcome.errorType() != null) {
      report.append(" (").append(outcome.errorType()).append(')');
    }
    report.append('\n');
    report.append("Error Message: ").append(outcome.message()).append("\n\n");
    report.append("Stack Trace:\n");
    String log =
        outcome.logExcerpt() == null || outcome.logExcerpt().isBlank()
            ? "(none)"
            : outcome.logExcerpt();
    log.lines().forEach(line -> report.append("  ").append(line).append('\n'));
    report.append('\n');
    report.append("Exit Criteria Failed:\n");
    if (outcome.checks().isEmpty()) {
      report.append("  (no exit criteria ran)\n");
    }
    for (CheckResult check : outcome.checks()) {
      report
          .append("  - [")
          .append(check.passed() ? "x" : " ")
          .append("] ")
          .append(check.name())
          .append(check.passed() ? "" : " (FAILED)")
          .append('\n');
    }
    report.append('\n');
    report.append("Failed Artifacts Moved To:\n  ").append(archivedTo).append("\n\n");
    report.append("Recommended Action:\n");
    recommendedAction.lines().forEach(line -> report.append("  ").append(line).append('\n'));
    report.append('\n').append(RULE).append('\n');
    return report.toString();
  }

  /** What a person should try first for this kind of failure. */
  public static String recommendedAction(String phase, AttemptOutcome outcome) {
    String first =
        switch (outcome.failureType()) {
          case MISSING_OUTPUT -> "Make phase '%s' produce its expected outputs".formatted(phase);
          case EXIT_CRITERIA_NOT_MET ->
              "Fix the failed checks: " + String.join(", ", outcome.failedCheckNames());
          case UNAUTHORIZED_WRITE ->
              "Review the quarantined files in artifacts/_untrusted/" + phase;
          case COMMAND_FAILED ->
              "Read the log excerpt above (exit code %s) and fix the cause"
                  .formatted(outcome.exitCode());
          case TIMEOUT -> "Find out why the phase ran past its timeout, or raise the timeout";
          case INTERRUPTED -> "Nothing to fix in the phase: the runner stopped while it ran";
          case INFRASTRUCTURE -> "Check that the command exists and can run on the runner";
          case OTHER -> "Read the log excerpt above";
        };
    return "1. " + first + "\n2. Retry " + phase + " stage (redrive retry <execution-id>)";
  }
}
