package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
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
   * @param failedAttempts failures of this phase counted so far, this one included
   * @param failure the failure just reported
   * @param random source of jitter (seeded in tests)
   */
  public Decision decide(int failedAttempts, Failure failure, RandomGenerator random) {
    return decide(failedAttempts, failure.occurredAt(), failure, random);
  }

  /**
   * Decides what follows a failure, with the retry deadline counted from {@code firstFailureAt}
   * (the phase's first failure): a retry that could not start before the deadline is not made.
   */
  public Decision decide(
      int failedAttempts, Instant firstFailureAt, Failure failure, RandomGenerator random) {
    Decision decision = decideIgnoringDeadline(failedAttempts, failure, random);
    if (deadline != null
        && decision instanceof Decision.Retry retry
        && failure.occurredAt().plus(retry.delay()).isAfter(firstFailureAt.plus(deadline))) {
      return new Decision.Intervene(
          "retry deadline passed: no retry may start later than %s after the first failure"
              .formatted(deadline),
          RecommendedActions.forFailure(failure));
    }
    return decision;
  }

  private Decision decideIgnoringDeadline(
      int failedAttempts, Failure failure, RandomGenerator random) {
    if (failure.hard()) {
      return new Decision.Intervene(
          "HARD failure (%s): the reporter says a retry cannot help".formatted(failure.type()),
          RecommendedActions.forFailure(failure));
    }
    if (failure.type() == FailureType.UNAUTHORIZED_WRITE) {
      return new Decision.Intervene(
          "UNAUTHORIZED_WRITE: the phase wrote outside its allowed paths; a person must review it",
          RecommendedActions.forFailure(failure));
    }
    if (nonRetryable.contains(failure.type())) {
      return new Decision.Intervene(
          "%s is not retryable under this policy".formatted(failure.type()),
          RecommendedActions.forFailure(failure));
    }
    if (failedAttempts >= maxAttempts) {
      return new Decision.Intervene(
          "attempts exhausted (%d/%d)".formatted(failedAttempts, maxAttempts),
          RecommendedActions.forFailure(failure));
    }
    Duration delay =
        failure.retryAfter() != null
            ? clamp(failure.retryAfter())
            : backoff(failedAttempts, random);
    return new Decision.Retry(
        failedAttempts + 1,
        delay,
        "SOFT failure %s, attempt %d/%d".formatted(failure.type(), failedAttempts, maxAttempts));
  }

  /**
   * The back-off before the retry that follows {@code failedAttempts} failures: {@code initial *
   * multiplier^(failedAttempts-1)}, capped at {@code maxInterval} without overflowing, then
   * jittered.
   */
  Duration backoff(int failedAttempts, RandomGenerator random) {
    double exponential =
        initialInterval.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    long capMillis = maxInterval.toMillis();
    long millis = exponential >= capMillis ? capMillis : (long) exponential;
    if (jitter == Jitter.FULL && millis > 0) {
      millis = random.nextLong(millis + 1);
    }
    return Duration.ofMillis(millis);
  }

  /** The policy in words, for decision events. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "maxAttempts=%d, backoff %dms x%.1f up to %dms, jitter %s%s%s",
        maxAttempts,
        initialInterval.toMillis(),
        multiplier,
        maxInterval.toMillis(),
        jitter,
        nonRetryable.isEmpty() ? "" : ", non-retryable " + nonRetryable,
        deadline == null ? "" : ", deadline " + deadline);
  }

  /** A reporter's own delay, kept between zero and {@code maxInterval}. */
  private Duration clamp(Duration retryAfter) {
    if (retryAfter.isNegative()) {
      return Duration.ZERO;
    }
    return retryAfter.compareTo(maxInterval) <= 0 ? retryAfter : maxInterval;
  }
}
