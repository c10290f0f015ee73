package dev.redrive.coordinator.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The policy that applies to one failure, with where each of its fields came from.
 *
 * @param origins for each field of {@link RetryPolicy} ({@code maxAttempts}, {@code
 *     initialInterval}, ...), the layer that set it: {@code default}, {@code source <name>}, {@code
 *     pipeline <name>}, {@code phase <pipeline>/<phase>}, {@code declared} (the phase's own policy
 *     in its pipeline file) or {@code execution} (a person's override for the one execution)
 * @param version the version of the policies it was resolved from (0: the configuration at start)
 */
public record ResolvedPolicy(RetryPolicy policy, Map<String, String> origins, long version) {

  public ResolvedPolicy {
    // in the order of the policy's fields, as people read them
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }
}
