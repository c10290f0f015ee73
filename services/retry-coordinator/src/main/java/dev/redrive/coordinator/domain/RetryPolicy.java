package dev.redrive.coordinator.domain;

import dev.redrive.contract.RecommendedActions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Retry policy as data, and the one pure function that applies it.
 *
 * @param maxAttempts attempts of a phase in all, the first included (2 = one automatic retry)
 * @param initialInterval back-off before the first retry
 * @param multiplier growth of the back-off per further retry
 * @param maxInterval cap on any back-off, including a reporter's own retry-after
 * @param jitter how the back-off is randomised
 * @param nonRetryable failure types that always go to a person
 * @param deadline how long after the phase's first failure retries may still start; null = no
 *     deadline
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialInterval,
    double multiplier,
    Duration maxInterval,
    Jitter jitter,
    Set<FailureType> nonRetryable,
    Duration deadline) {

  /** Longest back-off a policy may configure; longer waits are a person's decision. */
  public static final Duration LONGEST_INTERVAL = Duration.ofDays(365);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    checkInterval("initialInterval", initialInterval);
    checkInterval("maxInterval", maxInterval);
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be at least 1.0, was " + multiplier);
    }
    nonRetryable = nonRetryable.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nonRetryable));
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
  }

  private static void checkInterval(String name, Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + interval);
    }
    if (interval.compareTo(LONGEST_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "%s must not exceed %d days, was %s"
              .formatted(name, LONGEST_INTERVAL.toDays(), interval));
    }
  }

  /** A policy without a deadline. */
  public RetryPolicy(
      int maxAttempts,
      Duration initialInterval,
      double multiplier,
      Duration maxInterval,
      Jitter jitter,
      Set<FailureType> nonRetryable) {
    this(maxAttempts, initialInterval, multiplier, maxInterval, jitter, nonRetryable, null);
  }

  /** Two attempts (one automatic retry) after up to a second, as the reference describes. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        2, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Jitter.FULL, Set.of());
  }

  /**
   * Decides what follows a failure.
   *
   * @param executionId the failure's execution (named in the recommended action)
   * @param failedAttempts failures of this phase counted so far, this one included
   * @param failure the failure just reported
   * @param random source of jitter (seeded in tests)
   */
  public Decision decide(
      String executionId, int failedAttempts, Failure failure, RandomGenerator random) {
    return decide(executionId, failedAttempts, failure.occurredAt(), failure, random);
  }

  /**
   * Decides what follows a failure, with the retry deadline counted from {@code firstFailureAt}
   * (the phase's first failure): a retry that could not start before the deadline is not made.
   */
  public Decision decide(
      String executionId,
      int failedAttempts,
      Instant firstFailureAt,
      Failure failure,
      RandomGenerator random) {
    Decision.Intervene intervene = intervention(executionId, failedAttempts, failure);
    if (intervene != null) {
      return intervene;
    }
    Duration delay =
        failure.retryAfter() != null
            ? clamp(failure.retryAfter())
            : backoff(failedAttempts, random);
    if (deadline != null
        && failure.occurredAt().plus(delay).isAfter(firstFailureAt.plus(deadline))) {
      return new Decision.Intervene(
          Decision.Cause.DEADLINE_PASSED,
          "retry deadline passed: no retry may start later than %s after the first failure"
              .formatted(deadline),
          recommendedAction(executionId, failure));
    }
    return new Decision.Retry(
        failedAttempts + 1,
        delay,
        // concatenated, not formatted: these words are made for every failure decided
        "SOFT failure "
            + failure.type()
            + ": "
            + counted(failedAttempts)
            + (failure.retryAfter() != null
                ? "; delay set by the reporter (Retry-After " + delay.toMillis() + " ms)"
                : ""));
  }

  /** Why the failure goes to a person whatever the deadline, or null when it may be retried. */
  private Decision.Intervene intervention(String executionId, int failedAttempts, Failure failure) {
    Decision.Cause cause;
    String reason;
    if (failure.type() == FailureType.UNAUTHORIZED_WRITE) {
      cause = Decision.Cause.UNAUTHORIZED_WRITE;
      reason =
          "UNAUTHORIZED_WRITE: the phase wrote outside its allowed paths; a person must review it";
    } else if (failure.hard()) {
      cause = Decision.Cause.HARD_FAILURE;
      reason = "HARD failure (%s): the reporter says a retry cannot help".formatted(failure.type());
    } else if (nonRetryable.contains(failure.type())) {
      cause = Decision.Cause.NOT_RETRYABLE;
      reason = "%s is not retryable under this policy".formatted(failure.type());
    } else if (failedAttempts >= maxAttempts) {
      cause = Decision.Cause.ATTEMPTS_EXHAUSTED;
      reason = "attempts exhausted: " + counted(failedAttempts);
    } else {
      return null;
    }
    return new Decision.Intervene(cause, reason, recommendedAction(executionId, failure));
  }

  /**
   * The failure counter against the bound, in words: "1 failure counted, 2 attempts allowed". The
   * counter, not the attempt number: failures a loop handled are not counted, and a reset zeroes
   * it.
   */
  private String counted(int failedAttempts) {
    return failedAttempts
        + (failedAttempts == 1 ? " failure" : " failures")
        + " counted, "
        + maxAttempts
        + (maxAttempts == 1 ? " attempt" : " attempts")
        + " allowed";
  }

  /** The recommended action of the shared table ({@link RecommendedActions}). */
  static String recommendedAction(String executionId, Failure failure) {
    return RecommendedActions.forFailure(
        failure.type().name(),
        executionId,
        failure.phase(),
        failure.failedChecks().stream().map(CheckOutcome::name).toList(),
        failure.exitCode(),
        failure.missingOutputOf());
  }

  /**
   * The back-off before the retry that follows {@code failedAttempts} failures: {@code initial *
   * multiplier^(failedAttempts-1)}, capped at {@code maxInterval} without overflowing, then
   * jittered.
   */
  Duration backoff(int failedAttempts, RandomGenerator random) {
    long millis = Math.min(exponentialMillis(failedAttempts), maxInterval.toMillis());
    if (jitter == Jitter.FULL && millis > 0) {
      millis = random.nextLong(millis + 1);
    }
    return Duration.ofMillis(millis);
  }

  /**
   * {@code initial * multiplier^(failedAttempts-1)} in milliseconds, before the cap and the jitter
   * ({@link Long#MAX_VALUE} when it overflows).
   */
  public long exponentialMillis(int failedAttempts) {
    double exponential =
        initialInterval.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    return exponential >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) exponential;
  }

  /** The policy in words, for decision events. */
  public String describe() {
    // concatenated, not formatted (every decision event carries it); the multiplier as %.1f would
    return "maxAttempts="
        + maxAttempts
        + ", backoff "
        + initialInterval.toMillis()
        + "ms x"
        + BigDecimal.valueOf(multiplier).setScale(1, RoundingMode.HALF_UP).toPlainString()
        + " up to "
        + maxInterval.toMillis()
        + "ms, jitter "
        + jitter
        + (nonRetryable.isEmpty() ? "" : ", non-retryable " + nonRetryable)
        + (deadline == null ? "" : ", deadline " + deadline);
  }

  /** A reporter's own delay, kept between zero and {@code maxInterval}. */
  private Duration clamp(Duration retryAfter) {
    if (retryAfter.isNegative()) {
      return Duration.ZERO;
    }
    return retryAfter.compareTo(maxInterval) <= 0 ? retryAfter : maxInterval;
  }
}
