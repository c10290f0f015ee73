package dev.redrive.runner.domain;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A phase's own retry policy, overriding the coordinator's defaults for that phase. Every setting
 * is optional (null = the coordinator's value). The runner does not decide retries; it publishes
 * the override in every {@code AttemptFailed} of the phase as {@link #attributes()} (the names the
 * coordinator reads) and uses {@code maxAttempts} for the {@code REDRIVE_MAX_ATTEMPTS} of the
 * attempts it queues itself.
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

  /** Prefix of the {@code AttemptFailed.attributes} keys that carry the policy. */
  public static final String PREFIX = "redrive.policy.";

  /** Key: attempts in all (integer). */
  public static final String MAX_ATTEMPTS = PREFIX + "max-attempts";

  /** Key: back-off before the first retry (ISO-8601, {@code PT2S}). */
  public static final String INITIAL_INTERVAL = PREFIX + "initial-interval";

  /** Key: back-off multiplier (decimal, at least 1.0). */
  public static final String MULTIPLIER = PREFIX + "multiplier";

  /** Key: cap on any back-off (ISO-8601). */
  public static final String MAX_INTERVAL = PREFIX + "max-interval";

  /** Key: FULL or NONE. */
  public static final String JITTER = PREFIX + "jitter";

  /** Key: comma-separated failure types that are not retried. */
  public static final String NON_RETRYABLE = PREFIX + "non-retryable";

  /** Key: retry deadline after the first failure (ISO-8601). */
  public static final String DEADLINE = PREFIX + "deadline";

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

  /** The settings this phase overrides, as {@code AttemptFailed.attributes} entries. */
  public Map<String, String> attributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (maxAttempts != null) {
      attributes.put(MAX_ATTEMPTS, Integer.toString(maxAttempts));
    }
    if (initialInterval != null) {
      attributes.put(INITIAL_INTERVAL, initialInterval.toString());
    }
    if (multiplier != null) {
      attributes.put(MULTIPLIER, String.format(Locale.ROOT, "%s", multiplier));
    }
    if (maxInterval != null) {
      attributes.put(MAX_INTERVAL, maxInterval.toString());
    }
    if (jitter != null) {
      attributes.put(JITTER, jitter);
    }
    if (!nonRetryable.isEmpty()) {
      attributes.put(
          NON_RETRYABLE,
          EnumSet.copyOf(nonRetryable).stream().map(Enum::name).collect(Collectors.joining(",")));
    }
    if (deadline != null) {
      attributes.put(DEADLINE, deadline.toString());
    }
    return attributes;
  }
}
