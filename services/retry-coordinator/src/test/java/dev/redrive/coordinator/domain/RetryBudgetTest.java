package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryBudgetTest {

  private final RetryBudget budget = new RetryBudget(0.2, Duration.ofMinutes(1), 3);

  @ParameterizedTest(name = "{0} retries, {1} attempts -> {2}")
  @CsvSource({
    "0, 0, true", // a quiet pipeline can always retry
    "2, 2, true", // below the floor the ratio does not count
    "3, 3, false", // at the floor: 4 retries would be more than 20% of 3 attempts
    "3, 20, true", // 4 retries of 20 attempts is 20%
    "4, 20, false", // 5 of 20 would be 25%
    "19, 100, true",
    "20, 100, false"
  })
  void shouldAllowARetryOnlyWhileRetriesStayWithinTheirShareOfAttempts(
      long retries, long attempts, boolean allowed) {
    assertThat(budget.allowsOneMore(retries, attempts)).isEqualTo(allowed);
  }

  @Test
  void shouldExplainARefusalWithTheFigures() {
    assertThat(budget.refusal("pipeline demo", 4, 20))
        .isEqualTo(
            "retry budget of pipeline demo exhausted: 4 retries for 20 attempts in the last 60s (budget 20%)");
  }

  @Test
  void shouldRefuseSettingsThatMakeNoSense() {
    assertThatThrownBy(() -> new RetryBudget(1.5, Duration.ofMinutes(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBudget(0.1, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBudget(0.1, Duration.ofMinutes(1), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
