package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopPlanTest {

  private static final Instant NOW = Instant.parse("2024-05-06T07:08:09Z");
  private static final CommandSpec TRUE =
      new CommandSpec(List.of("true"), Map.of(), ".", Duration.ofMinutes(1));

  private final Phase develop =
      new Phase(
          "develop",
          TRUE,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          new PhaseRetryPolicy(3, null, null, null, null, null, null),
          null);
  private final Phase review =
      new Phase(
          "review",
          TRUE,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          null,
          new LoopSpec("approved", "develop", 3));

  private final CheckResult approved = new CheckResult("approved", false, "needs tests");
  private final CheckResult lint = new CheckResult("lint", true, "ok");
  private final AttemptOutcome outcome =
      new AttemptOutcome(
          FailureType.EXIT_CRITERIA_NOT_MET,
          false,
          "exit criteria not met",
          "exit criteria not met: approved",
          0,
          List.of(lint, approved),
          "log",
          1500);
  private final Attempt looped =
      Attempt.queued(
          "att_r1",
          "exec_1",
          "review",
          new NextAttempt(2, 3),
          null,
          null,
          null,
          AttemptOrigin.CHAIN,
          null);
  private final LoopDecision.GoBack back = new LoopDecision.GoBack("develop", 1, 3, approved);

  private LoopPlan plan(int iteration, int highestTargetAttempt) {
    return plan(iteration, new PhaseHistory(highestTargetAttempt, false));
  }

  private LoopPlan plan(int iteration, PhaseHistory targetHistory) {
    return LoopPlan.plan(
        review,
        looped,
        outcome,
        back,
        iteration,
        develop,
        targetHistory,
        "artifacts/_failed/review/attempt-2/",
        NOW);
  }

  @Test
  void shouldRunTheTargetAsItsNextAttemptWithItsOwnBudget() {
    LoopPlan plan = plan(2, 4);

    assertThat(plan.target()).isEqualTo("develop");
    assertThat(plan.next()).isEqualTo(new NextAttempt(5, 7));
    assertThat(plan.contextFile()).isEqualTo(".redrive/loop-develop-attempt-5.json");
  }

  @Test
  void shouldLeaveTheBoundUnknownWhenAnAttemptOfTheTargetFailedBefore() {
    LoopPlan plan = plan(2, new PhaseHistory(4, true));

    assertThat(plan.next()).isEqualTo(new NextAttempt(5, null));
    assertThat(plan.context().maxAttempts()).isNull();
  }

  @Test
  void shouldUseTheIterationCountedInTheDatabase() {
    LoopPlan plan = plan(2, 1);

    assertThat(plan.iteration()).isEqualTo(2);
    assertThat(plan.maxIterations()).isEqualTo(3);
    assertThat(plan.reported()).isEqualTo(new LoopState("develop", 2, 3, false));
    assertThat(plan.context().guidance())
        .isEqualTo(
            Guidance.loop("review", "develop", new LoopDecision.GoBack("develop", 2, 3, approved)));
  }

  @Test
  void shouldGiveTheTargetTheFailedCheckAsItsPriorAttempt() {
    LoopPlan plan = plan(1, 1);

    assertThat(plan.check()).isEqualTo("approved");
    assertThat(plan.previousError())
        .isEqualTo("EXIT_CRITERIA_NOT_MET: check 'approved' of phase review failed");
    ContextJson context = plan.context();
    assertThat(context.commandId()).isNull();
    assertThat(context.executionId()).isEqualTo("exec_1");
    assertThat(context.phase()).isEqualTo("develop");
    assertThat(context.currentAttempt()).isEqualTo(2);
    assertThat(context.maxAttempts()).isEqualTo(4);
    assertThat(context.notes()).isEmpty();
    assertThat(context.priorAttempts())
        .containsExactly(
            new ContextJson.Prior(
                "att_r1",
                2,
                "EXIT_CRITERIA_NOT_MET",
                "exit criteria not met",
                "phase review: exit criteria not met: approved",
                0,
                List.of(new ContextJson.Check("approved", false, "needs tests")),
                1500,
                "artifacts/_failed/review/attempt-2/",
                "2024-05-06T07:08:09Z"));
  }

  @Test
  void shouldRefuseATargetThatIsNotTheLoops() {
    assertThatThrownBy(
            () ->
                LoopPlan.plan(
                    review, looped, outcome, back, 1, review, PhaseHistory.NONE, "archive/", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReportAnExhaustedLoopAsSuch() {
    assertThat(LoopState.exhausted(new LoopDecision.Exhausted("develop", 3, 3)))
        .isEqualTo(new LoopState("develop", 3, 3, true));
  }
}
