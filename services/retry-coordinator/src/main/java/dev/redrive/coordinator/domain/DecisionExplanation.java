package dev.redrive.coordinator.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why the coordinator decided what it did about a failure.
 *
 * @param policy the policy that applied, in words ({@link RetryPolicy#describe()})
 * @param origins per policy field, the layer that set it ({@link ResolvedPolicy#origins()})
 * @param failuresCounted the phase's failure counter with this failure
 * @param budget the retry budget of each scope weighed, in words; empty when it was not weighed
 * @param delay how the delay of a retry was computed; null for an intervention
 * @param fingerprint the failure's error fingerprint, or null when none was computed
 * @param wouldChange what would have changed the outcome, in words
 */
public record DecisionExplanation(
    String policy,
    long policyVersion,
    Map<String, String> origins,
    int failuresCounted,
    int maxAttempts,
    List<String> budget,
    DelayComputation delay,
    String fingerprint,
    List<String> wouldChange) {

  public DecisionExplanation {
    // in the order of the policy's fields, as people read them
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
    budget = List.copyOf(budget);
    wouldChange = List.copyOf(wouldChange);
  }
}
