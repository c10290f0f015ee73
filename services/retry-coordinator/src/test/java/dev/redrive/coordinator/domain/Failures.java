package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Builds the failures the tests feed to the policy and the assembler. */
final class Failures {

  static final Instant AT = Instant.parse("2025-03-01T12:00:00Z");

  private Failures() {}

  static Failure soft(FailureType type) {
    return failure(1, type, false, "something went wrong", 3, List.of(), null);
  }

  static Failure hard(FailureType type) {
    return failure(1, type, true, "something went wrong", 3, List.of(), null);
  }

  static Failure withRetryAfter(Duration retryAfter) {
    return failure(1, FailureType.COMMAND_FAILED, false, "upstream busy", 1, List.of(), retryAfter);
  }

  static Failure attempt(int number, FailureType type, String message, CheckOutcome... checks) {
    return failure(number, type, false, message, null, List.of(checks), null);
  }

  static Failure failure(
      int attemptNumber,
      FailureType type,
      boolean hard,
      String message,
      Integer exitCode,
      List<CheckOutcome> checks,
      Duration retryAfter) {
    return new Failure(
        "att_" + attemptNumber,
        "build",
        attemptNumber,
        type,
        hard,
        "exit code 3",
        message,
        exitCode,
        checks,
        1_500,
        "artifacts/_failed/build/attempt-%d/".formatted(attemptNumber),
        AT.plusSeconds(attemptNumber),
        retryAfter,
        null);
  }

  static CheckOutcome failedCheck(String name, String excerpt) {
    return new CheckOutcome(name, false, excerpt);
  }

  static CheckOutcome passedCheck(String name) {
    return new CheckOutcome(name, true, "ok");
  }
}
