package dev.redrive.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventFilterTest {

  @Test
  void blankCriteriaMeanNoCriterion() {
    EventFilter filter =
        new EventFilter(
            Arrays.asList("AttemptFailed", " ", null), " ", "", null, null, null, 10, 0);

    assertThat(filter.types()).containsExactly("AttemptFailed");
    assertThat(filter.pipeline()).isNull();
    assertThat(filter.failureType()).isNull();
  }

  @Test
  void timeRangeMustRunForwards() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");

    assertThatThrownBy(() -> new EventFilter(null, null, null, null, at, at, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'from' (2026-01-01T00:00:00Z) must be before 'to'");
    assertThat(new EventFilter(null, null, null, null, at, at.plusMillis(1), 10, 0).to())
        .isEqualTo(at.plusMillis(1));
  }

  @Test
  void pageMustBeSensible() {
    assertThatThrownBy(() -> new EventFilter(null, null, null, null, null, null, 0, 0))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> new EventFilter(null, null, null, null, null, null, 1, -1))
        .hasMessageContaining("offset");
  }
}
