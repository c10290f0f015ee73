package dev.redrive.coordinator.domain;

import java.util.Map;

/**
 * Which retry policy applies to a failure: the default, then the source's override, then the
 * pipeline's, then the phase's (from configuration), then what the failure itself carries (a
 * phase's own policy declared in its pipeline file) — each overriding the fields it sets.
 */
public record PolicyCatalog(
    RetryPolicy defaults,
    Map<String, PolicyOverride> bySource,
    Map<String, PolicyOverride> byPipeline,
    Map<String, Map<String, PolicyOverride>> byPipelinePhase) {

  public PolicyCatalog {
    bySource = Map.copyOf(bySource);
    byPipeline = Map.copyOf(byPipeline);
    byPipelinePhase = Map.copyOf(byPipelinePhase);
  }

  public static PolicyCatalog of(RetryPolicy defaults) {
    return new PolicyCatalog(defaults, Map.of(), Map.of(), Map.of());
  }

  public RetryPolicy resolve(
      String source, String pipeline, String phase, PolicyOverride fromFailure) {
    RetryPolicy policy = defaults;
    policy = bySource.getOrDefault(String.valueOf(source), PolicyOverride.NONE).applyTo(policy);
    policy = byPipeline.getOrDefault(String.valueOf(pipeline), PolicyOverride.NONE).applyTo(policy);
    policy =
        byPipelinePhase
            .getOrDefault(String.valueOf(pipeline), Map.of())
            .getOrDefault(phase, PolicyOverride.NONE)
            .applyTo(policy);
    return fromFailure.applyTo(policy);
  }
}
