package dev.redrive.coordinator.domain.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.domain.Decision.Cause;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RepeatedFailureRule;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The what-if replay on hand-built histories. */
class WhatIfTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final RetryBudget NO_LIMIT = new RetryBudget(1.0, Duration.ofMinutes(1), 1000);

  private final List<PastEvent> history = new ArrayList<>();

  @Test
  void shouldReproduceWhatHappenedUnderThePoliciesThatDecidedIt() {
    // given: two retries of 1 s and 2 s, then a pause, under maxAttempts 3 without jitter
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e1", "build", 2, 10, RecordedDecision.retry(Duration.ofSeconds(2)));
    failure("e1", "build", 3, 20, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));

    // when
    WhatIfReport report = replay(policies(policy(3)));

    // then
    assertThat(report.proposed()).isEqualTo(report.actual());
    assertThat(report.actual().retries()).isEqualTo(2);
    assertThat(report.actual().totalDelayMs()).isEqualTo(3000);
    assertThat(report.actual().interventions())
        .containsExactly(Map.entry("ATTEMPTS_EXHAUSTED", 1L));
    assertThat(report.executionsAffected()).isZero();
    assertThat(report.retriesBeyondHistory()).isZero();
  }

  @Test
  void shouldStopTheSameFailureOnUnchangedInputsAsTheLiveCoordinatorDoes() {
    // given: the same failure twice on the same inputs and artifacts, retried by a looser rule
    for (int attempt = 1; attempt <= 2; attempt++) {
      Failure same = failureOf("build", attempt, attempt * 10);
      history.add(
          new PastEvent.Failed(
              "e1",
              "demo",
              "runner",
              new Failure(
                  same.attemptId(),
                  same.phase(),
                  same.attemptNumber(),
                  same.type(),
                  same.hard(),
                  same.errorType(),
                  same.message(),
                  same.exitCode(),
                  same.checks(),
                  same.durationMs(),
                  null,
                  same.occurredAt(),
                  null,
                  null,
                  "in-1",
                  "out-1"),
              PolicyOverride.NONE,
              RecordedDecision.retry(Duration.ofSeconds(attempt)),
              true));
    }

    // when: replayed with the stop in force and five attempts allowed
    WhatIfReport report = replay(policies(policy(5)));

    // then: the second failure asks a person instead of a retry
    assertThat(report.proposed().retries()).isEqualTo(1);
    assertThat(report.proposed().interventions())
        .containsExactly(Map.entry("REPEATED_FAILURE", 1L));
  }

  @Test
  void shouldCountTheLaterAttemptsAsAvoidedWhenTheProposalAllowsFewer() {
    // given: retried twice, succeeded on the third attempt
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e1", "build", 2, 10, RecordedDecision.retry(Duration.ofSeconds(2)));
    history.add(new PastEvent.Succeeded("e1", "demo", "runner", "build", T0.plusSeconds(20), true));

    // when: only two attempts allowed
    WhatIfReport report = replay(policies(policy(2)));

    // then: one retry, then a pause; the success would not have run
    assertThat(report.proposed().retries()).isEqualTo(1);
    assertThat(report.proposed().interventions())
        .containsExactly(Map.entry("ATTEMPTS_EXHAUSTED", 1L));
    assertThat(report.attemptsAvoided()).isEqualTo(1);
    assertThat(report.executionsAffected()).isEqualTo(1);
  }

  @Test
  void shouldCountRetriesBeyondHistoryWithoutInventingTheirOutcome() {
    // given: paused after the second failure
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e1", "build", 2, 10, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));

    // when: five attempts allowed
    WhatIfReport report = replay(policies(policy(5)));

    // then: a retry where a person was asked, and nothing after it
    assertThat(report.proposed().retries()).isEqualTo(2);
    assertThat(report.proposed().interventions()).isEmpty();
    assertThat(report.retriesBeyondHistory()).isEqualTo(1);
    assertThat(report.proposed().totalDelayMs()).isEqualTo(1000 + 2000);
  }

  @Test
  void shouldReportTheExpectedDelayOfFullJitter() {
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofMillis(123)));

    WhatIfReport report =
        replay(
            policies(
                new RetryPolicy(
                    3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Jitter.FULL, Set.of())));

    assertThat(report.proposed().totalDelayMs()).isEqualTo(500);
    assertThat(report.actual().totalDelayMs()).isEqualTo(123);
  }

  @Test
  void shouldRefuseRetriesBeyondTheProposedBudget() {
    // given: five executions failing at once, each retried
    for (int i = 0; i < 5; i++) {
      failure("e" + i, "build", 1, i, RecordedDecision.retry(Duration.ofSeconds(1)));
    }

    // when: the budget allows two retries in its window, whatever the ratio
    WhatIfReport report =
        replay(
            new PolicySet(
                1,
                PolicyCatalog.of(policy(3)),
                new RetryBudget(0.0, Duration.ofMinutes(1), 2),
                Map.of()));

    // then
    assertThat(report.proposed().retries()).isEqualTo(2);
    assertThat(report.proposed().budgetRefusals()).isEqualTo(3);
    assertThat(report.proposed().interventions()).containsExactly(Map.entry("BUDGET_USED_UP", 3L));
    assertThat(report.actual().budgetRefusals()).isZero();
    assertThat(report.executionsAffected()).isEqualTo(3);
  }

  @Test
  void shouldStopAtTheProposedDeadline() {
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e1", "build", 2, 100, RecordedDecision.retry(Duration.ofSeconds(2)));

    WhatIfReport report =
        replay(
            policies(
                new RetryPolicy(
                    5,
                    Duration.ofSeconds(1),
                    2.0,
                    Duration.ofMinutes(5),
                    Jitter.NONE,
                    Set.of(),
                    Duration.ofSeconds(60))));

    assertThat(report.proposed().retries()).isEqualTo(1);
    assertThat(report.proposed().interventions()).containsExactly(Map.entry("DEADLINE_PASSED", 1L));
  }

  @Test
  void shouldPauseAtOnceForATypeTheProposalDoesNotRetry() {
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    history.add(new PastEvent.Succeeded("e1", "demo", "runner", "build", T0.plusSeconds(5), true));

    WhatIfReport report =
        replay(
            policies(
                new RetryPolicy(
                    3,
                    Duration.ofSeconds(1),
                    2.0,
                    Duration.ofMinutes(5),
                    Jitter.NONE,
                    Set.of(FailureType.COMMAND_FAILED))));

    assertThat(report.proposed().retries()).isZero();
    assertThat(report.proposed().interventions()).containsExactly(Map.entry("NOT_RETRYABLE", 1L));
    assertThat(report.attemptsAvoided()).isEqualTo(1);
  }

  @Test
  void shouldRestartTheCountWhereAPersonResetIt() {
    // given: paused after two failures, a person retried with a reset, which failed again
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e1", "build", 2, 10, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));
    history.add(new PastEvent.PersonRetry("e1", "build", T0.plusSeconds(30), true, true));
    failure("e1", "build", 3, 40, RecordedDecision.retry(Duration.ofSeconds(1)));

    // when: the same policy
    WhatIfReport report = replay(policies(policy(2)));

    // then: the third failure is the first of a fresh count, retried as it was
    assertThat(report.proposed()).isEqualTo(report.actual());
  }

  @Test
  void shouldKeepCountingWhereAPersonRetriedWithoutAReset() {
    failure("e1", "build", 1, 0, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));
    history.add(new PastEvent.PersonRetry("e1", "build", T0.plusSeconds(30), false, true));
    failure("e1", "build", 2, 40, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));

    WhatIfReport report = replay(policies(policy(1)));

    assertThat(report.proposed().interventions())
        .containsExactly(Map.entry("ATTEMPTS_EXHAUSTED", 2L));
  }

  @Test
  void shouldNotCountWhatThePipelinesLoopHandled() {
    failure("e1", "review", 1, 0, RecordedDecision.LOOP);
    failure("e1", "review", 2, 10, RecordedDecision.retry(Duration.ofSeconds(1)));

    WhatIfReport report = replay(policies(policy(2)));

    assertThat(report.proposed()).isEqualTo(report.actual());
    assertThat(report.failures()).isEqualTo(2);
  }

  @Test
  void shouldApplyTheFailuresDeclaredPolicyOverTheProposal() {
    history.add(
        new PastEvent.Failed(
            "e1",
            "demo",
            "runner",
            failureOf("build", 1, 0),
            new PolicyOverride(1, null, null, null, null, null, null),
            RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED),
            true));

    WhatIfReport report = replay(policies(policy(5)));

    assertThat(report.proposed().interventions())
        .containsExactly(Map.entry("ATTEMPTS_EXHAUSTED", 1L));
  }

  @Test
  void shouldReplayFailuresBeforeTheWindowWithoutReportingThem() {
    history.add(
        new PastEvent.Failed(
            "e1",
            "demo",
            "runner",
            failureOf("build", 1, 0),
            PolicyOverride.NONE,
            RecordedDecision.retry(Duration.ofSeconds(1)),
            false));
    failure("e1", "build", 2, 10, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));

    WhatIfReport report = replay(policies(policy(2)));

    assertThat(report.failures()).isEqualTo(1);
    assertThat(report.proposed()).isEqualTo(report.actual());
  }

  @Test
  void shouldReportOnlyTheAskedPhaseAndRankRowsByChange() {
    failure("e1", "build", 1, 0, RecordedDecision.retry(Duration.ofSeconds(1)));
    failure("e2", "test", 1, 1, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));
    failure("e3", "test", 1, 2, RecordedDecision.intervene(Cause.ATTEMPTS_EXHAUSTED));
    history.add(new PastEvent.Succeeded("e4", "demo", "runner", "prepare", T0, true));

    WhatIfReport all =
        WhatIf.replay(history, policies(policy(2)), RepeatedFailureRule.defaults(), null, 10);
    WhatIfReport build =
        WhatIf.replay(history, policies(policy(2)), RepeatedFailureRule.defaults(), "build", 10);

    assertThat(all.rows()).extracting(WhatIfReport.Row::phase).containsExactly("test", "build");
    assertThat(build.rows()).extracting(WhatIfReport.Row::phase).containsExactly("build");
    assertThat(build.failures()).isEqualTo(1);
  }

  @Test
  void shouldTakeTheMiddleOfPercentiles() {
    assertThat(Tally.percentile(new long[] {}, 50)).isZero();
    assertThat(Tally.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2);
    assertThat(Tally.percentile(new long[] {1, 2, 3, 4}, 95)).isEqualTo(4);
  }

  private WhatIfReport replay(PolicySet proposal) {
    return WhatIf.replay(history, proposal, RepeatedFailureRule.defaults(), null, 100);
  }

  private void failure(
      String execution, String phase, int attempt, int second, RecordedDecision actual) {
    history.add(
        new PastEvent.Failed(
            execution,
            "demo",
            "runner",
            failureOf(phase, attempt, second),
            PolicyOverride.NONE,
            actual,
            true));
  }

  private static Failure failureOf(String phase, int attempt, int second) {
    return new Failure(
        "att-" + phase + "-" + attempt + "-" + second,
        phase,
        attempt,
        FailureType.COMMAND_FAILED,
        false,
        "exit 1",
        "boom",
        1,
        List.of(),
        10,
        null,
        T0.plusSeconds(second),
        null,
        null);
  }

  private static RetryPolicy policy(int maxAttempts) {
    return new RetryPolicy(
        maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Jitter.NONE, Set.of());
  }

  private static PolicySet policies(RetryPolicy defaults) {
    return new PolicySet(1, PolicyCatalog.of(defaults), NO_LIMIT, Map.of());
  }
}
