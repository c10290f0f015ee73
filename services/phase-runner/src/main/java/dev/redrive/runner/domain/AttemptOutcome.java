package dev.redrive.runner.domain;

import java.util.List;

/**
 * How one attempt of a phase ended.
 *
 * @param failureType null when the attempt succeeded
 * @param hard a retry cannot help (for example a missing output of an earlier phase)
 * @param logExcerpt bounded excerpt of stderr and stdout
 */
public record AttemptOutcome(
    FailureType failureType,
    boolean hard,
    String errorType,
    String message,
    Integer exitCode,
    List<CheckResult> checks,
    String logExcerpt,
    long durationMs) {

  public AttemptOutcome {
    checks = List.copyOf(checks);
  }

  public static AttemptOutcome success(
      List<CheckResult> checks, String logExcerpt, long durationMs) {
    return new AttemptOutcome(null, false, null, null, 0, checks, logExcerpt, durationMs);
  }

  public boolean succeeded() {
    return failureType == null;
  }

  public List<String> failedCheckNames() {
    return checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
  }
}
