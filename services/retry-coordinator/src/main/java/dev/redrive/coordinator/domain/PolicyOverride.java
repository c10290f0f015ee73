package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Part of a retry policy, for a pipeline, a phase or a source: every field left null keeps the
 * value of the policy it is applied to.
 */
public record PolicyOverride(
    Integer maxAttempts,
    Duration initialInterval,
    Double multiplier,
    Duration maxInterval,
    Jitter jitter,
    Set<FailureType> nonRetryable,
    Duration deadline) {

  /** The names of a policy's fields, in the order of {@link RetryPolicy}'s components. */
  public static final List<String> FIELDS =
      List.of(
          "maxAttempts",
          "initialInterval",
          "multiplier",
          "maxInterval",
          "jitter",
          "nonRetryable",
          "deadline");

  /** Changes nothing. */
  public static final PolicyOverride NONE =
      new PolicyOverride(null, null, null, null, null, null, null);

  /** The policy with this override's fields in place of its own. */
  public RetryPolicy applyTo(RetryPolicy policy) {
    return new RetryPolicy(
        maxAttempts != null ? maxAttempts : policy.maxAttempts(),
        initialInterval != null ? initialInterval : policy.initialInterval(),
        multiplier != null ? multiplier : policy.multiplier(),
        maxInterval != null ? maxInterval : policy.maxInterval(),
        jitter != null ? jitter : policy.jitter(),
        nonRetryable != null ? nonRetryable : policy.nonRetryable(),
        deadline != null ? deadline : policy.deadline());
  }

  /** The names of the fields this override sets (see {@link #FIELDS}). */
  public List<String> fieldsSet() {
    Object[] values = {
      maxAttempts, initialInterval, multiplier, maxInterval, jitter, nonRetryable, deadline
    };
    List<String> set = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        set.add(FIELDS.get(i));
      }
    }
    return set;
  }
}
