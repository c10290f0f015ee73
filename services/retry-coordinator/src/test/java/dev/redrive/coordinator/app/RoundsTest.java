package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {

  @Test
  void shouldPutTheKthReportOfEachExecutionInRoundKKeepingTheBatchOrder() {
    AttemptReport a1 = started("a", "a-build-1", "e1");
    AttemptReport b1 = started("b", "b-build-1", "e2");
    AttemptReport a2 = started("a", "a-build-2", "e3");
    AttemptReport c1 = started("c", "c-build-1", "e4");
    AttemptReport a3 = started("a", "a-build-3", "e5");
    AttemptReport b2 = started("b", "b-build-2", "e6");

    List<List<AttemptReport>> rounds = Rounds.of(List.of(a1, b1, a2, c1, a3, b2));

    assertThat(rounds).containsExactly(List.of(a1, b1, c1), List.of(a2, b2), List.of(a3));
  }

  @Test
  void shouldNeverPutOneAttemptTwiceInARoundEvenAcrossExecutions() {
    AttemptReport first = started("a", "shared", "e1");
    AttemptReport other = started("b", "shared", "e2");
    AttemptReport later = started("b", "b-build-2", "e3");

    assertThat(Rounds.of(List.of(first, other, later)))
        .containsExactly(List.of(first), List.of(other), List.of(later));
  }

  @Test
  void shouldKeepABatchWithoutRepeatsInOneRound() {
    AttemptReport a = started("a", "a-1", "e1");
    AttemptReport b = started("b", "b-1", "e2");

    assertThat(Rounds.of(List.of(a, b))).containsExactly(List.of(a, b));
    assertThat(Rounds.of(List.of())).isEmpty();
  }

  private static AttemptReport started(String executionId, String attemptId, String eventId) {
    return new AttemptReport.Started(
        new EventMeta(eventId, executionId, "payments", "billing", Instant.EPOCH, null),
        attemptId,
        "build",
        1,
        null);
  }
}
