package dev.redrive.coordinator.domain;

import java.util.Map;

/**
 * Every retry policy in force at one version: the catalog by source, pipeline and phase, the retry
 * budget, and people's overrides for single executions (applied last, over everything else).
 */
public record PolicySet(
    long version,
    PolicyCatalog catalog,
    RetryBudget budget,
    Map<String, PolicyOverride> byExecution) {

  public PolicySet {
    byExecution = Map.copyOf(byExecution);
  }

  /** The policy of a failure of {@code phase}, with the origin of each field. */
  public ResolvedPolicy resolve(
      String executionId, String source, String pipeline, String phase, PolicyOverride declared) {
    return catalog.resolve(
        source,
        pipeline,
        phase,
        declared,
        byExecution.getOrDefault(String.valueOf(executionId), PolicyOverride.NONE),
        version);
  }
}
