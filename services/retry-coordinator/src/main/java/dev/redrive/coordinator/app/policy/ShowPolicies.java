package dev.redrive.coordinator.app.policy;

import dev.redrive.coordinator.app.ExecutionQueries;
import dev.redrive.coordinator.app.ExecutionView;
import dev.redrive.coordinator.app.Policies;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.ResolvedPolicy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Service;

/**
 * What a person reads of the policies: the set in force, its history, one version, and the override
 * of one execution with the policy each of its phases gets.
 */
@Service
public class ShowPolicies {

  private final PolicyStore store;
  private final Policies policies;
  private final ExecutionQueries executions;

  public ShowPolicies(PolicyStore store, Policies policies, ExecutionQueries executions) {
    this.store = store;
    this.policies = policies;
    this.executions = executions;
  }

  /** The version in force, with its document and who set it. */
  public PolicyStore.Version current() {
    return store
        .latest()
        .orElseThrow(() -> new IllegalStateException("no version of the policies is stored"));
  }

  /** Versions below {@code before} (null: from the newest), newest first. */
  public List<PolicyStore.Version> history(Long before, int limit) {
    return store.versions(before, limit);
  }

  public Optional<PolicyStore.Version> version(long version) {
    return store.version(version);
  }

  /**
   * The override of one execution (empty when it has none), and for each phase the coordinator
   * knows of it the policy it gets, with the layer each field came from.
   *
   * @param execution null when the coordinator has not seen the execution yet
   */
  public record ExecutionPolicy(
      String executionId,
      Optional<PolicyStore.ExecutionOverride> override,
      ExecutionView execution,
      List<PhasePolicy> phases) {}

  public record PhasePolicy(String phase, ResolvedPolicy resolved) {}

  public ExecutionPolicy forExecution(String executionId) {
    Optional<PolicyStore.ExecutionOverride> override = store.override(executionId);
    PolicyOverride fields =
        override
            .map(o -> PolicyDocument.toOverride(o.policy(), "override"))
            .orElse(PolicyOverride.NONE);
    PolicySet set = policies.current();
    ExecutionView execution = executions.execution(executionId).orElse(null);
    List<PhasePolicy> phases =
        execution == null
            ? List.of()
            : knownPhases(executionId).stream()
                .map(
                    phase ->
                        new PhasePolicy(
                            phase,
                            set.catalog()
                                .resolve(
                                    execution.source(),
                                    execution.pipeline(),
                                    phase,
                                    PolicyOverride.NONE,
                                    fields,
                                    set.version())))
                .toList();
    return new ExecutionPolicy(executionId, override, execution, phases);
  }

  /** The phases of the execution's pipeline in order, then any other phase that failed. */
  private List<String> knownPhases(String executionId) {
    Set<String> phases = new LinkedHashSet<>(executions.phases(executionId));
    phases.addAll(new TreeSet<>(executions.counters(executionId).keySet()));
    return List.copyOf(phases);
  }
}
