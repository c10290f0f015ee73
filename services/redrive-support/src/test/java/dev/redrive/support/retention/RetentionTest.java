package dev.redrive.support.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void zeroOrNothingKeepsEveryEventForever() {
    assertThat(new Retention(Duration.ZERO).keepsForever()).isTrue();
    assertThat(new Retention(null).keepsForever()).isTrue();
    assertThat(Retention.FOREVER.cutoff(NOW)).isEmpty();
  }

  @Test
  void eventsThatOccurredBeforeNowMinusTheRetentionAreDue() {
    Retention thirtyDays = new Retention(Duration.ofDays(30));

    assertThat(thirtyDays.keepsForever()).isFalse();
    assertThat(thirtyDays.cutoff(NOW)).contains(Instant.parse("2026-10-24T12:00:00Z"));
  }

  @Test
  void negativeRetentionIsRefused() {
    assertThatThrownBy(() -> new Retention(Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }
}
