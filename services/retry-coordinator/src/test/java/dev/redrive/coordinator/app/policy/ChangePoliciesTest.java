package dev.redrive.coordinator.app.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangePoliciesTest {

  private final InMemoryPolicyStore store = new InMemoryPolicyStore();
  private final List<PolicyEvents.PolicyChange> events = new ArrayList<>();
  private final StoredPolicies policies = new StoredPolicies(store);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ChangePolicies change =
      new ChangePolicies(store, events::add, policies, new PolicyLimits(2), meters);

  private static PolicySet configured(int maxAttempts) {
    return new PolicySet(
        0,
        PolicyCatalog.of(withAttempts(maxAttempts)),
        new RetryBudget(0.2, Duration.ofMinutes(1), 10),
        Map.of());
  }

  private static RetryPolicy withAttempts(int maxAttempts) {
    return new PolicyOverride(maxAttempts, null, null, null, null, null, null)
        .applyTo(RetryPolicy.defaults());
  }

  private Map<String, Object> documentWith(int maxAttempts) {
    return PolicyDocument.of(configured(maxAttempts));
  }

  @Test
  void shouldSeedTheFirstVersionAndPutItInForce() {
    ChangePolicies.Changed seeded = change.seed(configured(2));

    assertThat(seeded.changed()).isTrue();
    assertThat(seeded.version()).isEqualTo(1);
    assertThat(policies.current().version()).isEqualTo(1);
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.origin()).isEqualTo("configuration");
              assertThat(e.scope()).isEqualTo("policies");
            });
    assertThat(meters.counter("redrive.policy.changes", "scope", "policies").count()).isEqualTo(1);
  }

  @Test
  void shouldKeepAPersonsChangeWhenTheConfigurationIsUnchangedAndReplaceItWhenItChanged() {
    change.seed(configured(2));
    change.set(documentWith(4), 1L, "alice", "more attempts");

    ChangePolicies.Changed unchanged = change.seed(configured(2));
    assertThat(unchanged.changed()).isFalse();
    assertThat(policies.current().catalog().defaults().maxAttempts()).isEqualTo(4);

    ChangePolicies.Changed changed = change.seed(configured(3));
    assertThat(changed.changed()).isTrue();
    assertThat(changed.version()).isEqualTo(3);
    assertThat(changed.summary()).isEqualTo("defaults.maxAttempts 4 -> 3");
    assertThat(policies.current().catalog().defaults().maxAttempts()).isEqualTo(3);
  }

  @Test
  void shouldRefuseAStaleExpectedVersionAndStoreNothingForNoChange() {
    change.seed(configured(2));
    change.set(documentWith(4), 1L, "alice", "more");

    assertThatThrownBy(() -> change.set(documentWith(5), 1L, "bob", "stale"))
        .isInstanceOfSatisfying(
            PolicyConflictException.class,
            e -> {
              assertThat(e.field()).isEqualTo("expectedVersion");
              assertThat(e.getMessage()).contains("version 2 is in force");
            });
    ChangePolicies.Changed same = change.set(documentWith(4), null, "bob", "again");
    assertThat(same.changed()).isFalse();
    assertThat(store.versions).hasSize(2);
    assertThatThrownBy(() -> change.set(Map.of("defaults", Map.of()), null, "bob", "bad"))
        .isInstanceOf(InvalidPolicyException.class);
  }

  @Test
  void shouldOverrideOneExecutionWithinTheBoundAndClearIt() {
    change.seed(configured(2));
    PolicyOverride five = new PolicyOverride(5, null, null, null, null, null, null);

    ChangePolicies.Changed set = change.override("e-1", five, "carol", "room");
    change.override("e-2", five, "carol", "room");

    assertThat(set.summary()).isEqualTo("maxAttempts (none) -> 5");
    assertThat(
            policies
                .current()
                .resolve("e-1", "s", "p", "ph", PolicyOverride.NONE)
                .policy()
                .maxAttempts())
        .isEqualTo(5);
    assertThatThrownBy(() -> change.override("e-3", five, "carol", "one too many"))
        .isInstanceOf(PolicyConflictException.class)
        .hasMessageContaining("max-execution-overrides");
    assertThat(change.override("e-1", five, "carol", "same").changed()).isFalse();

    assertThat(change.clear("e-1", "carol", "done"))
        .hasValueSatisfying(c -> assertThat(c.version()).isEqualTo(2));
    assertThat(change.clear("e-1", "carol", "again")).isEmpty();
    assertThat(policies.current().byExecution()).containsOnlyKeys("e-2");
    assertThat(events).last().satisfies(e -> assertThat(e.scope()).isEqualTo("execution"));
  }
}
