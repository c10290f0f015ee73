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
  void shouldGiveAFirstAttemptTheRunnersDefaultBound() {
    assertThat(NextAttempt.of(phase(null), 0, 2)).isEqualTo(new NextAttempt(1, 2));
  }

  @Test
  void shouldGiveALaterAttemptTheWholeBudgetAgain() {
    assertThat(NextAttempt.of(phase(null), 3, 2)).isEqualTo(new NextAttempt(4, 5));
  }

  @Test
  void shouldPreferThePhasesOwnMaxAttempts() {
    assertThat(NextAttempt.of(phase(5), 0, 2)).isEqualTo(new NextAttempt(1, 5));
    assertThat(NextAttempt.of(phase(5), 2, 2)).isEqualTo(new NextAttempt(3, 7));
  }

  @Test
  void shouldUseTheDefaultWhenThePolicyDeclaresNoMaxAttempts() {
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

    assertThat(NextAttempt.of(phase, 1, 3)).isEqualTo(new NextAttempt(2, 4));
  }
}
