package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One failed attempt of a phase, as reported by the phase-runner or another system.
 *
 * @param hard the reporter says a retry cannot help (a HARD failure)
 * @param retryAfter the reporter's own delay for the next attempt, or null to use the policy's
 * @param missingOutputOf for a missing input, the earlier phase whose output is missing, else null
 *     (the phase to fix and run again)
 * @param inputsDigest SHA-256 (hex) of what the attempt read, or null when not known
 * @param artifactsDigest SHA-256 (hex) of what the attempt left in its artifacts, or null when not
 *     known
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
    String missingOutputOf,
    String inputsDigest,
    String artifactsDigest) {

  /** The longest digest a failure may carry (the contract's bound). */
  public static final int MAX_DIGEST_CHARS = 128;

  public Failure {
    Objects.requireNonNull(attemptId, "attemptId");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(type, "type");
    checks = List.copyOf(checks);
    checkDigest("inputsDigest", inputsDigest);
    checkDigest("artifactsDigest", artifactsDigest);
  }

  /** A failure whose reporter says nothing of its inputs and artifacts (digests unknown). */
  public Failure(
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
    this(
        attemptId,
        phase,
        attemptNumber,
        type,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        durationMs,
        artifactsLocation,
        occurredAt,
        retryAfter,
        missingOutputOf,
        null,
        null);
  }

  private static void checkDigest(String field, String digest) {
    if (digest != null && digest.length() > MAX_DIGEST_CHARS) {
      throw new IllegalArgumentException(
          "%s has %d characters; at most %d".formatted(field, digest.length(), MAX_DIGEST_CHARS));
    }
  }

  /** What makes this failure the same as another (see {@link ErrorFingerprint}). */
  public ErrorFingerprint fingerprint() {
    return ErrorFingerprint.of(this);
  }

  /**
   * Whether this failure ran on the same inputs and left the same artifacts as {@code other}: both
   * digests known and equal in both. Unknown digests never count as unchanged.
   */
  public boolean sameInputsAndArtifactsAs(Failure other) {
    return inputsDigest != null
        && artifactsDigest != null
        && inputsDigest.equals(other.inputsDigest)
        && artifactsDigest.equals(other.artifactsDigest);
  }

  /** The checks that did not pass. */
  public List<CheckOutcome> failedChecks() {
    return checks.stream().filter(check -> !check.passed()).toList();
  }

  /** This failure numbered {@code number} (for a reporter that does not number its attempts). */
  public Failure withAttemptNumber(int number) {
    return new Failure(
        attemptId,
        phase,
        number,
        type,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        durationMs,
        artifactsLocation,
        occurredAt,
        retryAfter,
        missingOutputOf,
        inputsDigest,
        artifactsDigest);
  }

  /**
   * This failure as its attempt row gives it back: what only the report carries (the reporter's
   * delay, the missing output) left out, the time in the database's microseconds. A phase's history
   * holds its failures this way, whether read back or just recorded.
   */
  public Failure asRecorded() {
    return new Failure(
        attemptId,
        phase,
        attemptNumber,
        type,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        durationMs,
        artifactsLocation,
        occurredAt.truncatedTo(ChronoUnit.MICROS),
        null,
        null,
        inputsDigest,
        artifactsDigest);
  }

  /** This failure with the reporter's own delay {@code delay}. */
  public Failure withRetryAfter(Duration delay) {
    return new Failure(
        attemptId,
        phase,
        attemptNumber,
        type,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        durationMs,
        artifactsLocation,
        occurredAt,
        delay,
        missingOutputOf,
        inputsDigest,
        artifactsDigest);
  }
}
