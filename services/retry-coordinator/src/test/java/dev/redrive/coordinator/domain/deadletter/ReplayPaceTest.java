package dev.redrive.coordinator.domain.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayPaceTest {

  private final Instant start = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void shouldSpreadTheSendsEvenlyFromTheStart() {
    ReplayPace pace = new ReplayPace(4);

    assertThat(pace.dueAt(start, 0)).isEqualTo(start);
    assertThat(pace.dueAt(start, 1)).isEqualTo(start.plusMillis(250));
    assertThat(pace.dueAt(start, 10)).isEqualTo(start.plusMillis(2500));
  }

  @Test
  void shouldWaitOnlyForWhatIsNotDueYet() {
    ReplayPace pace = new ReplayPace(2);

    assertThat(pace.waitBefore(start, 2, start.plusMillis(400))).isEqualTo(Duration.ofMillis(600));
    assertThat(pace.waitBefore(start, 2, start.plusSeconds(5))).isEqualTo(Duration.ZERO);
  }

  @Test
  void shouldSayHowLongAReplayTakes() {
    assertThat(new ReplayPace(10).duration(0)).isEqualTo(Duration.ZERO);
    assertThat(new ReplayPace(10).duration(1)).isEqualTo(Duration.ZERO);
    assertThat(new ReplayPace(10).duration(201)).isEqualTo(Duration.ofSeconds(20));
    assertThat(new ReplayPace(3).duration(4)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldRefuseARateBelowOne() {
    assertThatThrownBy(() -> new ReplayPace(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratePerSecond");
  }
}
