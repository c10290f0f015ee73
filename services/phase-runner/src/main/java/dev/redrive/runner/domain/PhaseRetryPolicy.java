package dev.redrive.runner.domain;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * A phase's own retry policy, overriding the coordinator's defaults for that phase. Every setting
 * is optional (null = the coordinator's value). The runner does not decide retries; it publishes
 * the override in every {@code AttemptFailed} of the phase (its {@code declaredPolicy} field) and
 * uses {@code maxAttempts} for the {@code REDRIVE_MAX_ATTEMPTS} of the attempts it queues itself.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialInterval back-off before the first retry
 * @param multiplier growth of the back-off per further retry
 * @param maxInterval cap on any back-off
 * @param jitter FULL or NONE
 * @param nonRetryable failure types that always go to a person
 * @param deadline how long after the phase's first failure retries may still start
 */
public record PhaseRetryPolicy(
    Integer maxAttempts,
    Duration initialInterval,
    Double multiplier,
    Duration maxInterval,
    String jitter,
    Set<FailureType> nonRetryable,
    Duration deadline) {

  /** The jitter values the coordinator knows. */
  public static final Set<String> JITTERS = Set.of("FULL", "NONE");

  public PhaseRetryPolicy {
    if (maxAttempts != null && maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (multiplier != null && !(multiplier >= 1.0 && Double.isFinite(multiplier))) {
      throw new IllegalArgumentException("multiplier must be at least 1.0, was " + multiplier);
    }
    if (jitter != null && !JITTERS.contains(jitter)) {
      throw new IllegalArgumentException("jitter must be FULL or NONE, was " + jitter);
    }
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    nonRetryable =
        nonRetryable == null || nonRetryable.isEmpty()
            ? Set.of()
            : Set.copyOf(EnumSet.copyOf(nonRetryable));
  }
}
