package dev.redrive.coordinator.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which retry policy applies to a failure: the default, then the source's override, then the
 * pipeline's, then the phase's (from configuration), then what the failure itself carries (a
 * phase's own policy declared in its pipeline file), then a person's override for the one execution
 * — each overriding the fields it sets.
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
    return resolve(source, pipeline, phase, fromFailure, PolicyOverride.NONE, 0).policy();
  }

  /**
   * The policy with the layer each field came from (see {@link ResolvedPolicy#origins()}).
   *
   * @param forExecution a person's override for the failure's execution, applied last
   * @param version the version of the policies this catalog belongs to
   */
  public ResolvedPolicy resolve(
      String source,
      String pipeline,
      String phase,
      PolicyOverride fromFailure,
      PolicyOverride forExecution,
      long version) {
    Map<String, String> origins = new LinkedHashMap<>();
    PolicyOverride.FIELDS.forEach(field -> origins.put(field, "default"));
    RetryPolicy policy = defaults;
    policy = apply(bySource.get(String.valueOf(source)), "source " + source, policy, origins);
    policy =
        apply(byPipeline.get(String.valueOf(pipeline)), "pipeline " + pipeline, policy, origins);
    policy =
        apply(
            byPipelinePhase.getOrDefault(String.valueOf(pipeline), Map.of()).get(phase),
            "phase " + pipeline + "/" + phase,
            policy,
            origins);
    policy = apply(fromFailure, "declared", policy, origins);
    policy = apply(forExecution, "execution", policy, origins);
    return new ResolvedPolicy(policy, origins, version);
  }

  private static RetryPolicy apply(
      PolicyOverride override, String layer, RetryPolicy policy, Map<String, String> origins) {
    if (override == null || override.equals(PolicyOverride.NONE)) {
      return policy;
    }
    override.fieldsSet().forEach(field -> origins.put(field, layer));
    return override.applyTo(policy);
  }
}
