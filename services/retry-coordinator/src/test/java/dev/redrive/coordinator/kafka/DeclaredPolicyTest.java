package dev.redrive.coordinator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.support.kafka.InvalidEventException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclaredPolicyTest {

  @Test
  void shouldReadEveryPolicyAttribute() {
    PolicyOverride declared =
        DeclaredPolicy.from(
            Map.of(
                "redrive.policy.max-attempts", "4",
                "redrive.policy.initial-interval", "PT2S",
                "redrive.policy.multiplier", "3",
                "redrive.policy.max-interval", "PT1M",
                "redrive.policy.jitter", "none",
                "redrive.policy.non-retryable", "timeout, missing_output",
                "redrive.policy.deadline", "PT1H",
                "customer", "acme"));

    assertThat(declared)
        .isEqualTo(
            new PolicyOverride(
                4,
                Duration.ofSeconds(2),
                3.0,
                Duration.ofMinutes(1),
                Jitter.NONE,
                java.util.Set.of(FailureType.TIMEOUT, FailureType.MISSING_OUTPUT),
                Duration.ofHours(1)));
  }

  @Test
  void shouldChangeNothingWithoutPolicyAttributes() {
    assertThat(DeclaredPolicy.from(Map.of("customer", "acme"))).isEqualTo(PolicyOverride.NONE);
  }

  @Test
  void shouldNameTheAttributeThatDoesNotParse() {
    assertThatThrownBy(() -> DeclaredPolicy.from(Map.of("redrive.policy.deadline", "an hour")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("redrive.policy.deadline")
        .hasMessageContaining("an hour");
    assertThatThrownBy(() -> DeclaredPolicy.from(Map.of("redrive.policy.max-attempts", "0")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("not a valid policy");
  }
}
