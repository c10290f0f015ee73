package dev.redrive.runner.phase;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.FailureType;
import java.util.List;

/** How the handler ended: {@code failure} is null when it did its part (exit 0, a 2xx answer). */
record Handled(
    AttemptOutcome failure, String log, long durationMs, Integer exitCode, String httpStatus) {

  static Handled failed(AttemptOutcome failure) {
    return new Handled(failure, failure.logExcerpt(), failure.durationMs(), null, null);
  }

  static AttemptOutcome failure(
      FailureType type,
      boolean hard,
      String errorType,
      String message,
      Integer exitCode,
      List<CheckResult> checks,
      String log,
      long durationMs) {
    return new AttemptOutcome(type, hard, errorType, message, exitCode, checks, log, durationMs);
  }
}
