package dev.redrive.coordinator.domain;

import java.time.Instant;
import java.util.List;

/** What one earlier attempt did and why it failed, as carried in a retry context. */
public record AttemptSummary(
    String attemptId,
    int attemptNumber,
    FailureType failureType,
    String errorType,
    String message,
    Integer exitCode,
    List<CheckOutcome> failedChecks,
    long durationMs,
    String artifactsLocation,
    Instant occurredAt) {

  public static AttemptSummary of(Failure failure) {
    return new AttemptSummary(
        failure.attemptId(),
        failure.attemptNumber(),
        failure.type(),
        failure.errorType(),
        failure.message(),
        failure.exitCode(),
        failure.failedChecks(),
        failure.durationMs(),
        failure.artifactsLocation(),
        failure.occurredAt());
  }

  int size() {
    int size = length(message) + length(errorType) + length(artifactsLocation) + 64;
    for (CheckOutcome check : failedChecks) {
      size += length(check.name()) + length(check.outputExcerpt());
    }
    return size;
  }

  AttemptSummary trimmed(int maxExcerpt) {
    return new AttemptSummary(
        attemptId,
        attemptNumber,
        failureType,
        errorType,
        RetryContextAssembler.trim(message, maxExcerpt),
        exitCode,
        failedChecks.stream()
            .map(
                c ->
                    new CheckOutcome(
                        c.name(),
                        c.passed(),
                        RetryContextAssembler.trim(c.outputExcerpt(), maxExcerpt)))
            .toList(),
        durationMs,
        artifactsLocation,
        occurredAt);
  }

  private static int length(String value) {
    return value == null ? 0 : value.length();
  }
}
