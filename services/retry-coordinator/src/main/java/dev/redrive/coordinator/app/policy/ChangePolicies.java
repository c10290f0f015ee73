package dev.redrive.coordinator.app.policy;

import dev.redrive.coordinator.app.policy.PolicyEvents.PolicyChange;
import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicyChanges;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Changes of the retry policies: a person puts a new policy set in force or overrides the policy of
 * one execution (Temporal's "update options"), and the configuration seeds the set at start. Each
 * change is a new version with who and why, a PolicyChanged decision in the same transaction, and
 * is in force on this instance as soon as it commits (on the others within their refresh interval).
 */
@Service
public class ChangePolicies {

  private static final Logger log = LoggerFactory.getLogger(ChangePolicies.class);

  static final String API = "api";
  static final String CONFIGURATION = "configuration";

  /** The origin of a change the coordinator made itself (the override of an ended execution). */
  static final String COORDINATOR = "coordinator";

  private final PolicyStore store;
  private final PolicyEvents events;
  private final StoredPolicies policies;
  private final PolicyLimits limits;
  private final MeterRegistry meters;

  public ChangePolicies(
      PolicyStore store,
      PolicyEvents events,
      StoredPolicies policies,
      PolicyLimits limits,
      MeterRegistry meters) {
    this.store = store;
    this.events = events;
    this.policies = policies;
    this.limits = limits;
    this.meters = meters;
  }

  /**
   * What a change did.
   *
   * @param changed false when the policies were already so (nothing stored, no event)
   * @param version the version now in force (of the set, or of the execution's override)
   */
  public record Changed(boolean changed, long version, String summary) {}

  /**
   * Puts a policy set in force.
   *
   * @param expectedVersion the version the caller read and changed; null = whatever is in force
   * @throws InvalidPolicyException naming the path of each problem of the document
   * @throws PolicyConflictException when {@code expectedVersion} is no longer in force
   */
  @Transactional
  public Changed set(
      Map<String, ?> document, Long expectedVersion, String requestedBy, String reason) {
    Map<String, Object> normalized = PolicyDocument.of(PolicyDocument.toPolicySet(document, 0));
    store.lockForChange();
    Optional<PolicyStore.Version> latest = store.latest();
    long current = latest.map(PolicyStore.Version::version).orElse(0L);
    if (expectedVersion != null && expectedVersion != current) {
      throw new PolicyConflictException(
          "expectedVersion",
          ("expectedVersion is %d but version %d is in force (%s); read it again (GET"
                  + " /api/v1/policies), apply your change to it and send expectedVersion %d")
              .formatted(
                  expectedVersion,
                  current,
                  latest.map(ChangePolicies::who).orElse("none stored"),
                  current));
    }
    String summary =
        PolicyChanges.summary(latest.map(PolicyStore.Version::document).orElse(null), normalized);
    if (latest.isPresent() && same(latest.get().document(), normalized)) {
      return new Changed(false, current, summary);
    }
    long version = current + 1;
    store.add(
        new PolicyStore.Version(version, normalized, API, requestedBy, reason, summary, null));
    changed(new PolicyChange("policies", null, version, summary, API, requestedBy, reason));
    return new Changed(true, version, summary);
  }

  /**
   * Stores the configuration's policy set as a new version when it differs from the one it seeded
   * last: a changed YAML is put in force, an unchanged one keeps what people set through the API.
   *
   * @throws IllegalStateException when the configured policies exceed what a document may hold
   */
  @Transactional
  public Changed seed(PolicySet configured) {
    Map<String, Object> document = PolicyDocument.of(configured);
    try {
      PolicyDocument.toPolicySet(document, 0);
    } catch (InvalidPolicyException e) {
      throw new IllegalStateException(
          "redrive.coordinator (policy, budget, sources, pipelines): the configured retry policies"
              + " cannot be stored: %s. Correct them in the configuration."
                  .formatted(e.getMessage()),
          e);
    }
    store.lockForChange();
    Optional<PolicyStore.Version> latest = store.latest();
    Optional<PolicyStore.Version> seeded = store.lastSeeded();
    if (seeded.isPresent() && same(seeded.get().document(), document)) {
      long current = latest.map(PolicyStore.Version::version).orElse(0L);
      log.info(
          "retry policies version {} in force; the configuration is the one seeded as version {}",
          current,
          seeded.get().version());
      return new Changed(false, current, "no change");
    }
    long version = latest.map(PolicyStore.Version::version).orElse(0L) + 1;
    String summary =
        PolicyChanges.summary(latest.map(PolicyStore.Version::document).orElse(null), document);
    String reason =
        latest.isEmpty()
            ? "the configuration's policies, stored at first start"
            : "the configuration's policies changed since version "
                + seeded.map(v -> Long.toString(v.version())).orElse("(none)");
    store.add(
        new PolicyStore.Version(version, document, CONFIGURATION, null, reason, summary, null));
    if (latest.isPresent() && API.equals(latest.get().origin())) {
      log.warn(
          "the configuration's retry policies (version {}) replace version {} set through the API"
              + " ({}): {}",
          version,
          latest.get().version(),
          LogText.escape(who(latest.get())),
          LogText.escape(summary));
    }
    changed(new PolicyChange("policies", null, version, summary, CONFIGURATION, null, reason));
    return new Changed(true, version, summary);
  }

  /**
   * Overrides the policy of one execution: the fields it sets apply over everything else, to its
   * failures and to the retries people ask for.
   *
   * @throws PolicyConflictException when as many executions have an override as the limit allows
   */
  @Transactional
  public Changed override(
      String executionId, PolicyOverride override, String requestedBy, String reason) {
    store.lockForChange();
    Optional<PolicyStore.ExecutionOverride> existing = store.override(executionId);
    int live = existing.isPresent() ? 0 : store.countOverrides();
    if (live >= limits.maxExecutionOverrides()) {
      throw new PolicyConflictException(
          null,
          ("%d executions have a policy override, the most"
                  + " redrive.coordinator.policies.max-execution-overrides allows; clear those no"
                  + " longer needed (DELETE /api/v1/executions/{id}/policy) or raise the setting")
              .formatted(live));
    }
    Map<String, Object> policy = PolicyDocument.of(override);
    String summary =
        PolicyChanges.summary(
            existing.map(PolicyStore.ExecutionOverride::policy).orElse(null), policy);
    if (existing.isPresent() && existing.get().policy().equals(policy)) {
      return new Changed(false, existing.get().version(), summary);
    }
    long version = store.nextOverrideVersion(executionId);
    store.put(
        new PolicyStore.ExecutionOverride(executionId, policy, version, requestedBy, reason, null),
        summary);
    changed(new PolicyChange("execution", executionId, version, summary, API, requestedBy, reason));
    return new Changed(true, version, summary);
  }

  /** Removes the override of one execution; empty when it had none. */
  @Transactional
  public Optional<Changed> clear(String executionId, String requestedBy, String reason) {
    return drop(executionId, API, requestedBy, reason);
  }

  /**
   * Drops the override of an execution that ended (it succeeded or was cancelled): it applies to no
   * failure any more, and would keep counting against {@code max-execution-overrides} until a
   * person cleared it. A change like a person's clear, by the coordinator itself. Most executions
   * have no override: for them this is one primary-key read, without the policies' lock.
   *
   * @param how how it ended, in words: {@code succeeded}, {@code was cancelled}
   */
  @Transactional
  public void executionEnded(String executionId, String how) {
    if (store.override(executionId).isPresent()) {
      drop(executionId, COORDINATOR, null, "the execution " + how + "; nothing is left to decide");
    }
  }

  private Optional<Changed> drop(
      String executionId, String origin, String requestedBy, String reason) {
    store.lockForChange();
    Optional<PolicyStore.ExecutionOverride> existing = store.override(executionId);
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    String summary = PolicyChanges.summary(existing.get().policy(), null);
    long version = store.nextOverrideVersion(executionId);
    store.clear(executionId, version, origin, requestedBy, reason, summary);
    changed(
        new PolicyChange("execution", executionId, version, summary, origin, requestedBy, reason));
    return Optional.of(new Changed(true, version, summary));
  }

  /** The decision, the meter, the log line, and this instance's reload once it commits. */
  private void changed(PolicyChange change) {
    events.policyChanged(change);
    log.info(
        "retry policies changed ({}{}, version {}) by {}: {}; reason: {}",
        change.scope(),
        change.executionId() == null ? "" : " " + LogText.escape(change.executionId()),
        change.version(),
        change.requestedBy() == null ? change.origin() : LogText.escape(change.requestedBy()),
        LogText.escape(change.summary()),
        LogText.escape(change.reason()));
    Runnable committed =
        () -> {
          meters.counter("redrive.policy.changes", "scope", change.scope()).increment();
          policies.refreshIfChanged();
        };
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              committed.run();
            }
          });
    } else {
      committed.run();
    }
  }

  /** Whether two documents describe the same policies (whatever their layout). */
  private static boolean same(Map<String, ?> stored, Map<String, ?> document) {
    try {
      return PolicyDocument.toPolicySet(stored, 0).equals(PolicyDocument.toPolicySet(document, 0));
    } catch (InvalidPolicyException e) {
      return false;
    }
  }

  private static String who(PolicyStore.Version version) {
    return "version %d, %s by %s: %s"
        .formatted(
            version.version(),
            version.origin(),
            version.changedBy() == null ? "(not named)" : version.changedBy(),
            version.reason());
  }
}
