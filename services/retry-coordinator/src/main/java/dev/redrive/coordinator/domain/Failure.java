package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One failed attempt of a phase, as reported by the phase-runner or another system.
 *
 * @param hard the reporter says a retry cannot help (a HARD failure)
 * @param retryAfter the reporter's own delay for the next attempt, or null to use the policy's
 * @param missingOutputOf for a missing input, the earlier phase whose output is missing, else null
 *     (the phase to fix and run again)
 */
public record Failure(
    String attemptId,
    String phase,
    int attemptNumber,
    FailureType type,
    boolean hard,
    String errorType,
    String message,
    Integer exitCode,
    List<CheckOutcome> checks,
    long durationMs,
    String artifactsLocation,
    Instant occurredAt,
    Duration retryAfter,
    String missingOutputOf) {

  public Failure {
    Objects.requireNonNull(attemptId, "attemptId");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(type, "type");
    checks = List.copyOf(checks);
  }

  /** The checks that did not pass. */
  public List<CheckOutcome> failedChecks() {
    return checks.stream().filter(check -> !check.passed()).toList();
  }
}
