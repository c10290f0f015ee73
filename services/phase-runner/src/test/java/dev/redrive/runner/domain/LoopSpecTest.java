package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoopSpecTest {

  private final LoopSpec loop = new LoopSpec("approved", "develop", 2);

  private static AttemptOutcome checksFailed(CheckResult... checks) {
    return new AttemptOutcome(
        FailureType.EXIT_CRITERIA_NOT_MET, false, "x", "m", 0, List.of(checks), "", 1);
  }

  @Test
  void shouldGoBackWithTheFailedChecksOutputWhileIterationsRemain() {
    CheckResult approved = new CheckResult("approved", false, "needs work");

    LoopDecision decision = loop.decide(checksFailed(approved), 1);

    assertThat(decision).isEqualTo(new LoopDecision.GoBack("develop", 2, 2, approved));
  }

  @Test
  void shouldBeExhaustedWhenEveryIterationIsUsed() {
    LoopDecision decision = loop.decide(checksFailed(new CheckResult("approved", false, "")), 2);

    assertThat(decision).isEqualTo(new LoopDecision.Exhausted("develop", 2, 2));
  }

  @Test
  void shouldNotApplyToAnotherCheckOrAnotherFailureOrASuccess() {
    assertThat(loop.decide(checksFailed(new CheckResult("lint", false, "")), 0))
        .isInstanceOf(LoopDecision.NotTriggered.class);
    assertThat(
            loop.decide(
                new AttemptOutcome(
                    FailureType.COMMAND_FAILED, false, "x", "m", 1, List.of(), "", 1),
                0))
        .isInstanceOf(LoopDecision.NotTriggered.class);
    assertThat(loop.decide(AttemptOutcome.success(List.of(), "", 1), 0))
        .isInstanceOf(LoopDecision.NotTriggered.class);
  }

  @Test
  void shouldApplyWhenOtherChecksFailedToo() {
    LoopDecision decision =
        loop.decide(
            checksFailed(
                new CheckResult("lint", false, ""), new CheckResult("approved", false, "no")),
            0);

    assertThat(decision).isInstanceOf(LoopDecision.GoBack.class);
  }

  @Test
  void shouldRefuseAnUnboundedLoop() {
    assertThatThrownBy(() -> new LoopSpec("a", "b", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoopSpec("a", "b", 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
