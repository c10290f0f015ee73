package dev.redrive.contract;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The error report of a failed attempt in the format of the reference {@code error.log}: the
 * phase-runner writes it next to the attempt's archive and in {@code AttemptFailed.errorReport},
 * the audit writes it for attempts reported without one. What is unknown is said, not left out:
 * {@code Attempt: 3} without a bound, {@code (none)} without a log, {@code (not archived)}.
 */
public final class ErrorReport {

  /** The line above and below the report and under its title. */
  public static final String RULE = "============================================";

  private ErrorReport() {}

  /** The report of one failed attempt, ending with a newline. */
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
    if (!blank(failure.errorType())) {
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
        .append(blank(failure.archivedTo()) ? "(not archived)" : failure.archivedTo())
        .append("\n\n");
    report.append("Recommended Action:\n");
    indent(report, RecommendedActions.forFailure(failure));
    report.append('\n').append(RULE).append('\n');
    return report.toString();
  }

  /**
   * Several reports as one {@code error.log}, in the given order, separated by a blank line; each
   * ends with a newline.
   */
  public static String join(List<String> reports) {
    StringBuilder joined = new StringBuilder();
    for (String report : reports) {
      if (!joined.isEmpty()) {
        joined.append('\n');
      }
      joined.append(report);
      if (!report.endsWith("\n")) {
        joined.append('\n');
      }
    }
    return joined.toString();
  }

  private static void indent(StringBuilder report, String text) {
    text.lines().forEach(line -> report.append("  ").append(line).append('\n'));
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
