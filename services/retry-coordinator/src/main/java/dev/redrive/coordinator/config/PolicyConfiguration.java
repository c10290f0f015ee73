package dev.redrive.coordinator.config;

import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.coordinator.app.policy.PolicyLimits;
import dev.redrive.coordinator.app.policy.PolicyStore;
import dev.redrive.coordinator.app.policy.StoredPolicies;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicySet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Policies as data: the policies in force are the store's, kept in memory and refreshed; the
 * configuration's policies ({@code redrive.coordinator.policy}, {@code budget}, {@code sources},
 * {@code pipelines}) seed the store at start, before any consumer decides.
 */
@Configuration
class PolicyConfiguration {

  @Bean
  StoredPolicies policies(PolicyStore store) {
    return new StoredPolicies(store);
  }

  @Bean
  PolicyLimits policyLimits(CoordinatorProperties properties) {
    return new PolicyLimits(properties.policies().maxExecutionOverrides());
  }

  /**
   * Stores the configuration's policies as a new version when they changed since the last seed,
   * then loads what is in force. Runs once every bean exists and before the consumers start.
   */
  @Bean
  SmartInitializingSingleton policySeed(
      ChangePolicies change,
      StoredPolicies policies,
      PolicyCatalog catalog,
      CoordinatorProperties properties) {
    return () -> {
      change.seed(new PolicySet(0, catalog, properties.budget().toRetryBudget(), Map.of()));
      policies.refreshIfChanged();
    };
  }

  @Bean
  PolicyRefresh policyRefresh(StoredPolicies policies, CoordinatorProperties properties) {
    return new PolicyRefresh(policies, properties.policies().refreshInterval());
  }

  /** The version of the policy set in force on this instance. */
  @Bean
  Gauge policyVersion(MeterRegistry meters, StoredPolicies policies) {
    return Gauge.builder("redrive.policy.version", policies, p -> p.current().version())
        .description("Version of the retry policy set in force on this instance")
        .register(meters);
  }
}
