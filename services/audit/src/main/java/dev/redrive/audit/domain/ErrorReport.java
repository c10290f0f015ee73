package dev.redrive.audit.domain;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The error report of an execution in the format of the reference {@code error.log}: one block per
 * failed attempt, oldest first. A reporter's own report text is kept as it is; an attempt reported
 * without one (any system may publish {@code AttemptFailed}) gets a report written from its fields.
 */
public final class ErrorReport {

  static final String RULE = "============================================";

  private ErrorReport() {}

  /** The reports of these failed attempts, in the given order, separated by a blank line. */
  public static String of(List<FailedAttempt> failures) {
    StringBuilder report = new StringBuilder();
    for (FailedAttempt failure : failures) {
      if (!report.isEmpty()) {
        report.append('\n');
      }
      String text = reportOf(failure);
      report.append(text);
      if (!text.endsWith("\n")) {
        report.append('\n');
      }
    }
    return report.toString();
  }

  /** The attempt's own report when it carried one, otherwise one written from its fields. */
  public static String reportOf(FailedAttempt failure) {
    if (failure.errorReport() != null && !failure.errorReport().isBlank()) {
      return failure.errorReport();
    }
    return format(failure);
  }

  /** Writes the report of one failed attempt in the reference format. */
  public static String format(FailedAttempt failure) {
    StringBuilder report = new StringBuilder();
    report.append(RULE).append('\n').append("ERROR REPORT\n").append(RULE).append('\n');
    report
        .append("Timestamp: ")
        .append(failure.occurredAt().truncatedTo(ChronoUnit.SECONDS))
        .append('\n');
    report.append("Stage: ").append(failure.phase()).append('\n');
    report.append("Attempt: ").append(failure.attemptNumber());
    if (failure.maxAttempts() != null) {
      report.append('/').append(failure.maxAttempts());
    }
    report.append('\n');
    report.append("Status: FAILED\n\n");
    report.append("Error Type: ").append(failure.failureType());
    if (failure.errorType() != null && !failure.errorType().isBlank()) {
      report.append(" (").append(failure.errorType()).append(')');
    }
    report.append('\n');
    report.append("Error Message: ").append(failure.errorMessage()).append("\n\n");
    report.append("Stack Trace:\n");
    indent(report, blank(failure.logExcerpt()) ? "(none)" : failure.logExcerpt());
    report.append('\n');
    report.append("Exit Criteria Failed:\n");
    if (!failure.checks().isEmpty()) {
      for (FailedAttempt.Check check : failure.checks()) {
        report
            .append("  - [")
            .append(check.passed() ? "x" : " ")
            .append("] ")
            .append(check.name())
            .append(check.passed() ? "" : " (FAILED)")
            .append('\n');
      }
    } else if (!failure.failedExitCriteria().isEmpty()) {
      failure
          .failedExitCriteria()
          .forEach(name -> report.append("  - [ ] ").append(name).append(" (FAILED)\n"));
    } else {
      report.append("  (no exit criteria ran)\n");
    }
    report.append('\n');
    report
        .append("Failed Artifacts Moved To:\n  ")
        .append(blank(failure.artifactsLocation()) ? "(not archived)" : failure.artifactsLocation())
        .append("\n\n");
    report.append("Recommended Action:\n");
    indent(report, recommendedAction(failure));
    report.append('\n').append(RULE).append('\n');
    return report.toString();
  }

  private static String recommendedAction(FailedAttempt failure) {
    List<String> failedChecks =
        failure.checks().isEmpty()
            ? failure.failedExitCriteria()
            : failure.checks().stream()
                .filter(check -> !check.passed())
                .map(FailedAttempt.Check::name)
                .toList();
    String first =
        switch (failure.failureType()) {
          case "MISSING_OUTPUT" ->
              "Make phase '%s' produce its expected outputs".formatted(failure.phase());
          case "EXIT_CRITERIA_NOT_MET" ->
              failedChecks.isEmpty()
                  ? "Fix the failed checks"
                  : "Fix the failed checks: " + String.join(", ", failedChecks);
          case "UNAUTHORIZED_WRITE" ->
              "Review the quarantined files in artifacts/_untrusted/" + failure.phase();
          case "TIMEOUT" -> "Find out why the phase ran past its timeout, or raise the timeout";
          case "INTERRUPTED" -> "Nothing to fix in the phase: the runner stopped while it ran";
          case "INFRASTRUCTURE" -> "Check that the command exists and can run on the runner";
          default -> "Read the error message and the log excerpt above and fix the cause";
        };
    return "1. "
        + first
        + "\n2. Retry "
        + failure.phase()
        + " stage (redrive retry <execution-id>)";
  }

  private static void indent(StringBuilder report, String text) {
    text.lines().forEach(line -> report.append("  ").append(line).append('\n'));
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
