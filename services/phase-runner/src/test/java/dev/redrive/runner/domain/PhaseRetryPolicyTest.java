package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PhaseRetryPolicyTest {

  @Test
  void shouldLeaveUnsetSettingsToTheCoordinator() {
    PhaseRetryPolicy policy = new PhaseRetryPolicy(3, null, null, null, null, null, null);

    assertThat(policy.maxAttempts()).isEqualTo(3);
    assertThat(policy.initialInterval()).isNull();
    assertThat(policy.jitter()).isNull();
    assertThat(policy.nonRetryable()).isEmpty();
    assertThat(policy.deadline()).isNull();
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
