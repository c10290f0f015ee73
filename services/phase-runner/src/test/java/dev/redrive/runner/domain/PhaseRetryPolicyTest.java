package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhaseRetryPolicyTest {

  @Test
  void shouldPublishEverySettingAsAnAttribute() {
    PhaseRetryPolicy policy =
        new PhaseRetryPolicy(
            3,
            Duration.ofSeconds(2),
            1.5,
            Duration.ofMinutes(1),
            "NONE",
            Set.of(FailureType.TIMEOUT, FailureType.COMMAND_FAILED),
            Duration.ofHours(1));

    assertThat(policy.attributes())
        .containsExactly(
            Map.entry("redrive.policy.max-attempts", "3"),
            Map.entry("redrive.policy.initial-interval", "PT2S"),
            Map.entry("redrive.policy.multiplier", "1.5"),
            Map.entry("redrive.policy.max-interval", "PT1M"),
            Map.entry("redrive.policy.jitter", "NONE"),
            Map.entry("redrive.policy.non-retryable", "COMMAND_FAILED,TIMEOUT"),
            Map.entry("redrive.policy.deadline", "PT1H"));
  }

  @Test
  void shouldPublishNothingForSettingsLeftToTheCoordinator() {
    assertThat(new PhaseRetryPolicy(null, null, null, null, null, null, null).attributes())
        .isEmpty();
  }

  @Test
  void shouldRefuseValuesTheCoordinatorCouldNotUse() {
    assertThatThrownBy(() -> new PhaseRetryPolicy(0, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PhaseRetryPolicy(null, null, 0.9, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PhaseRetryPolicy(null, null, null, null, "HALF", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new PhaseRetryPolicy(null, null, null, null, null, null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
