package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NextAttemptTest {

  private static final CommandSpec TRUE =
      new CommandSpec(List.of("true"), Map.of(), ".", Duration.ofMinutes(1));

  private static Phase phase(Integer maxAttempts) {
    return new Phase(
        "build",
        TRUE,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        maxAttempts == null
            ? null
            : new PhaseRetryPolicy(maxAttempts, null, null, null, null, null, null),
        null);
  }

  @Test
  void shouldNotKnowTheBoundOfAPhaseThatDeclaresNoMaxAttempts() {
    // the coordinator's policy decides it, which the runner cannot know
    assertThat(NextAttempt.of(phase(null), PhaseHistory.NONE)).isEqualTo(new NextAttempt(1, null));
    assertThat(NextAttempt.of(phase(null), new PhaseHistory(3, false)))
        .isEqualTo(new NextAttempt(4, null));
  }

  @Test
  void shouldCountThePhasesOwnMaxAttemptsFromThisAttemptWhenNoneOfItsAttemptsFailed() {
    assertThat(NextAttempt.of(phase(5), PhaseHistory.NONE)).isEqualTo(new NextAttempt(1, 5));
    // attempts that succeeded or were sent back by a loop are not counted
    assertThat(NextAttempt.of(phase(5), new PhaseHistory(2, false)))
        .isEqualTo(new NextAttempt(3, 7));
  }

  @Test
  void shouldNotKnowTheBoundOnceAnAttemptOfThePhaseFailed() {
    // the coordinator may have counted the failure, or a person may have reset the count
    assertThat(NextAttempt.of(phase(5), new PhaseHistory(2, true)))
        .isEqualTo(new NextAttempt(3, null));
  }

  @Test
  void shouldDescribeTheAttemptWithOrWithoutItsBound() {
    assertThat(new NextAttempt(3, 7).describe()).isEqualTo("attempt 3 of 7");
    assertThat(new NextAttempt(3, null).describe()).isEqualTo("attempt 3");
  }

  @Test
  void shouldNotKnowTheBoundWhenThePolicyDeclaresNoMaxAttempts() {
    Phase phase =
        new Phase(
            "build",
            TRUE,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            new PhaseRetryPolicy(null, Duration.ofSeconds(1), null, null, null, null, null),
            null);

    assertThat(NextAttempt.of(phase, new PhaseHistory(1, false)))
        .isEqualTo(new NextAttempt(2, null));
  }
}
