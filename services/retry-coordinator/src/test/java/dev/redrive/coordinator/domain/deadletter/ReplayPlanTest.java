package dev.redrive.coordinator.domain.deadletter;

import static dev.redrive.coordinator.domain.deadletter.Letters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

  private final DeadLetter fresh = letter(1);
  private final DeadLetter replayed = letter(2);
  private final DeadLetter reparked = letter(3, "exec_3", "still broken", Instant.EPOCH, 1);
  private final DeadLetter empty = Letters.withoutValue(letter(4));
  private final List<DeadLetter> all = List.of(fresh, replayed, reparked, empty);

  @Test
  void shouldSendFreshLettersAndSkipReplayedReparkedAndEmptyOnesFoundByAFilter() {
    ReplayPlan plan = ReplayPlan.of(all, Set.of(replayed.at()), false, false);

    assertThat(plan.steps())
        .extracting(ReplayPlan.Step::skip)
        .containsExactly(
            null,
            ReplayPlan.Skip.ALREADY_REPLAYED,
            ReplayPlan.Skip.REPARKED,
            ReplayPlan.Skip.NO_VALUE);
    assertThat(plan.sends()).extracting(ReplayPlan.Step::letter).containsExactly(fresh);
    assertThat(plan.skipped())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ReplayPlan.Skip.ALREADY_REPLAYED, 1,
                ReplayPlan.Skip.REPARKED, 1,
                ReplayPlan.Skip.NO_VALUE, 1));
  }

  @Test
  void shouldSendAReparkedLetterNamedByItsCoordinatesButNotOneReplayedBefore() {
    ReplayPlan plan =
        ReplayPlan.of(List.of(reparked, replayed), Set.of(replayed.at()), true, false);

    assertThat(plan.steps())
        .extracting(ReplayPlan.Step::skip)
        .containsExactly(null, ReplayPlan.Skip.ALREADY_REPLAYED);
  }

  @Test
  void shouldSendReplayedAndReparkedLettersWhenForcedButNeverOneWithoutAValue() {
    ReplayPlan plan = ReplayPlan.of(all, Set.of(replayed.at()), false, true);

    assertThat(plan.sends())
        .extracting(ReplayPlan.Step::letter)
        .containsExactly(fresh, replayed, reparked);
    assertThat(plan.skipped()).containsExactly(Map.entry(ReplayPlan.Skip.NO_VALUE, 1));
  }

  @Test
  void shouldCarryOneMoreReplayThanTheLetterWent() {
    ReplayPlan plan = ReplayPlan.of(List.of(fresh, reparked), Set.of(), true, false);

    assertThat(plan.steps()).extracting(ReplayPlan.Step::nextReplayCount).containsExactly(1, 2);
  }
}
