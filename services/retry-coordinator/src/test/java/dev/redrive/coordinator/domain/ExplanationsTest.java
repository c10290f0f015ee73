package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplanationsTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  private static final RetryPolicy POLICY =
      new RetryPolicy(
          4,
          Duration.ofSeconds(1),
          2.0,
          Duration.ofSeconds(3),
          Jitter.FULL,
          Set.of(FailureType.EXIT_CRITERIA_NOT_MET));

  private static final ResolvedPolicy RESOLVED =
      new ResolvedPolicy(
          POLICY,
          Map.of(
              "maxAttempts",
              "phase demo/build",
              "jitter",
              "default",
              "nonRetryable",
              "pipeline demo"),
          7);

  private static Failure failure(FailureType type, Duration retryAfter) {
    return new Failure(
        "att-1",
        "build",
        3,
        type,
        false,
        "E",
        "boom",
        1,
        List.of(),
        10,
        null,
        NOW,
        retryAfter,
        null);
  }

  @Test
  void shouldShowTheCapAndTheJitterDrawOfARetrysDelay() {
    Decision retry = new Decision.Retry(4, Duration.ofMillis(1234), "SOFT");

    DecisionExplanation why =
        Explanations.of(
            "exec-1",
            RESOLVED,
            3,
            failure(FailureType.TIMEOUT, null),
            retry,
            List.of(),
            NOW,
            null,
            false);

    assertThat(why.delay().formula())
        .isEqualTo(
            "1000ms x 2^2 = 4000ms, capped at maxInterval 3000ms; FULL jitter drew 1234ms from 0..3000ms");
    assertThat(why.delay().exponentialMs()).isEqualTo(4000);
    assertThat(why.policyVersion()).isEqualTo(7);
    assertThat(why.wouldChange())
        .containsExactly(
            "this retry is the last one maxAttempts=4 (set by phase demo/build) allows: if it fails"
                + " too, the execution pauses for a person",
            "with jitter NONE (set by default) the delay would have been 3000ms");
  }

  @Test
  void shouldSayThatTheReportersRetryAfterSetTheDelay() {
    Decision retry = new Decision.Retry(2, Duration.ofSeconds(3), "SOFT");

    DecisionExplanation why =
        Explanations.of(
            "exec-1",
            RESOLVED,
            1,
            failure(FailureType.TIMEOUT, Duration.ofSeconds(10)),
            retry,
            List.of(),
            NOW,
            null,
            false);

    assertThat(why.delay().formula())
        .isEqualTo(
            "the reporter's Retry-After 10000ms, capped at maxInterval 3000ms, no jitter: 3000ms");
    assertThat(why.delay().retryAfterMs()).isEqualTo(10_000L);
    assertThat(why.wouldChange())
        .contains(
            "2 more failures are retried automatically under maxAttempts=4 (set by phase demo/build) before a person is asked");
  }

  @Test
  void shouldNameTheLayerThatMadeATypeNonRetryable() {
    Decision pause =
        new Decision.Intervene(Decision.Cause.NOT_RETRYABLE, "not retryable", "retry by hand");

    DecisionExplanation why =
        Explanations.of(
            "exec-1",
            RESOLVED,
            1,
            failure(FailureType.EXIT_CRITERIA_NOT_MET, null),
            pause,
            List.of(),
            NOW,
            "fp_1",
            false);

    assertThat(why.delay()).isNull();
    assertThat(why.fingerprint()).isEqualTo("fp_1");
    assertThat(why.wouldChange())
        .containsExactly(
            "EXIT_CRITERIA_NOT_MET is non-retryable under the policy (nonRetryable set by pipeline"
                + " demo); without it the failure would have been retried",
            "a person's retry runs it again now: redrive retry exec-1");
  }

  @Test
  void shouldNotAdviseMoreAttemptsForAFailureThatRepeatsOnTheSameInputs() {
    Decision pause =
        new Decision.Intervene(Decision.Cause.ATTEMPTS_EXHAUSTED, "exhausted", "retry by hand");

    DecisionExplanation repeating =
        Explanations.of(
            "exec-1",
            RESOLVED,
            4,
            failure(FailureType.TIMEOUT, null),
            pause,
            List.of(),
            NOW,
            null,
            true);
    DecisionExplanation changing =
        Explanations.of(
            "exec-1",
            RESOLVED,
            4,
            failure(FailureType.TIMEOUT, null),
            pause,
            List.of(),
            NOW,
            null,
            false);

    assertThat(repeating.wouldChange().get(0))
        .startsWith(
            "under maxAttempts=4 (set by phase demo/build): a higher maxAttempts would not have helped");
    assertThat(changing.wouldChange().get(0))
        .isEqualTo(
            "under maxAttempts=4 (set by phase demo/build): with maxAttempts 5 or more this failure"
                + " would have been retried");
  }

  @Test
  void shouldForecastTheNextDecisionFromTheCounter() {
    assertThat(Explanations.onNextFailure(RESOLVED, 1))
        .startsWith("retry after 0..2000ms (FULL jitter): failure 2 counted, maxAttempts=4");
    assertThat(Explanations.onNextFailure(RESOLVED, 3))
        .isEqualTo(
            "pause for a person: failure 4 would use up maxAttempts=4 (set by phase demo/build)");
  }

  @Test
  void shouldSayWhetherTheBudgetHasRoomForOneMoreRetry() {
    RetryBudget budget = new RetryBudget(0.2, Duration.ofMinutes(1), 3);

    assertThat(Explanations.budgetState(budget, "pipeline demo", 5, 20))
        .isEqualTo(
            "pipeline demo: 5 retries for 20 attempts in the last 60s; budget 20% (3 retries"
                + " always allowed): one more retry is refused");
    assertThat(Explanations.budgetState(budget, "pipeline demo", 2, 20)).endsWith("fits");
  }
}
