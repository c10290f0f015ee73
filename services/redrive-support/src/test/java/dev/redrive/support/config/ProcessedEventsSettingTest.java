package dev.redrive.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessedEventsSettingTest {

  @Test
  void shouldRefuseARetentionShorterThanAnHourNamingTheKey() {
    assertThatThrownBy(
            () ->
                new RedriveProperties.Processed(Duration.ofMinutes(59), Duration.ofMinutes(5), 10))
        .hasMessage(
            "redrive.processed-events.retention must be 0 (keep every id) or at least 1h, was"
                + " PT59M");
    assertThatThrownBy(
            () -> new RedriveProperties.Processed(Duration.ofDays(-1), Duration.ofMinutes(5), 10))
        .hasMessageContaining("redrive.processed-events.retention");
  }

  @Test
  void shouldRefuseAPurgeIntervalThatIsNotPositive() {
    assertThatThrownBy(() -> new RedriveProperties.Processed(Duration.ofDays(7), Duration.ZERO, 10))
        .hasMessage("redrive.processed-events.purge-interval must be positive, was PT0S");
  }

  @Test
  void shouldKeepEveryIdForZeroAndAcceptAnHourOrMore() {
    assertThat(
            new RedriveProperties.Processed(Duration.ZERO, Duration.ofMinutes(5), 10)
                .toRetention()
                .keepsForever())
        .isTrue();
    assertThat(
            new RedriveProperties.Processed(Duration.ofHours(1), Duration.ofMinutes(5), 10)
                .toRetention()
                .keep())
        .isEqualTo(Duration.ofHours(1));
  }
}
