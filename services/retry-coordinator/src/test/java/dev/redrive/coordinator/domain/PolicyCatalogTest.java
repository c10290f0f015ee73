package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyCatalogTest {

  private static PolicyOverride maxAttempts(int n) {
    return new PolicyOverride(n, null, null, null, null, null, null);
  }

  private final PolicyCatalog catalog =
      new PolicyCatalog(
          RetryPolicy.defaults(),
          Map.of("billing", maxAttempts(5)),
          Map.of(
              "payments",
              new PolicyOverride(3, Duration.ofSeconds(9), null, null, null, null, null)),
          Map.of("payments", Map.of("settle", maxAttempts(7))));

  @Test
  void shouldUseTheDefaultsWhenNothingOverridesThem() {
    assertThat(catalog.resolve("other", "other", "x", PolicyOverride.NONE))
        .isEqualTo(RetryPolicy.defaults());
  }

  @Test
  void shouldApplySourceThenPipelineThenPhaseThenTheFailuresOwnPolicy() {
    assertThat(catalog.resolve("billing", "other", "x", PolicyOverride.NONE).maxAttempts())
        .isEqualTo(5);
    assertThat(catalog.resolve("billing", "payments", "x", PolicyOverride.NONE).maxAttempts())
        .isEqualTo(3);
    assertThat(catalog.resolve("billing", "payments", "settle", PolicyOverride.NONE).maxAttempts())
        .isEqualTo(7);
    assertThat(catalog.resolve("billing", "payments", "settle", maxAttempts(9)).maxAttempts())
        .isEqualTo(9);
  }

  @Test
  void shouldNameTheLayerThatSetEachFieldWithAPersonsOverrideForTheExecutionLast() {
    PolicySet set =
        new PolicySet(
            4,
            catalog,
            new RetryBudget(0.2, Duration.ofMinutes(1), 3),
            Map.of("exec-1", new PolicyOverride(null, null, 3.0, null, null, null, null)));

    ResolvedPolicy resolved =
        set.resolve("exec-1", "billing", "payments", "settle", PolicyOverride.NONE);

    assertThat(resolved.policy().maxAttempts()).isEqualTo(7);
    assertThat(resolved.policy().multiplier()).isEqualTo(3.0);
    assertThat(resolved.origins())
        .containsEntry("maxAttempts", "phase payments/settle")
        .containsEntry("initialInterval", "pipeline payments")
        .containsEntry("multiplier", "execution")
        .containsEntry("maxInterval", "default");
    assertThat(resolved.version()).isEqualTo(4);
    assertThat(set.resolve("exec-2", "billing", "other", "x", maxAttempts(9)).origins())
        .containsEntry("maxAttempts", "declared")
        .containsEntry("multiplier", "default");
  }

  @Test
  void shouldKeepTheFieldsAnOverrideDoesNotSet() {
    RetryPolicy phase = catalog.resolve(null, "payments", "settle", PolicyOverride.NONE);

    assertThat(phase.initialInterval()).isEqualTo(Duration.ofSeconds(9));
    assertThat(phase.maxInterval()).isEqualTo(RetryPolicy.defaults().maxInterval());
    assertThat(phase.jitter()).isEqualTo(Jitter.FULL);
  }

  @Test
  void shouldReplaceTheNonRetryableTypesAndAddADeadline() {
    PolicyOverride override =
        new PolicyOverride(
            null, null, null, null, Jitter.NONE, Set.of(FailureType.TIMEOUT), Duration.ofHours(1));

    RetryPolicy policy = override.applyTo(RetryPolicy.defaults());

    assertThat(policy.nonRetryable()).containsExactly(FailureType.TIMEOUT);
    assertThat(policy.deadline()).isEqualTo(Duration.ofHours(1));
    assertThat(policy.jitter()).isEqualTo(Jitter.NONE);
  }
}
