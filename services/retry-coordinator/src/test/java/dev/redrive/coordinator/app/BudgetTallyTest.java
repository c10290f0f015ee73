package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.domain.RetryBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetTallyTest {

  private static final BudgetScope PAYMENTS = new BudgetScope("pipeline", "payments");
  private static final BudgetScope BILLING = new BudgetScope("source", "billing");

  @Test
  void shouldAddTheBatchsAttemptsAndRetriesToWhatTheWindowHeld() {
    BudgetTally tally = new BudgetTally();
    EventMeta meta = meta("payments", "billing");

    // given the window held 1 retry for 4 attempts of the pipeline, nothing of the source
    tally.load(new BudgetWindow(Map.of(PAYMENTS, new BudgetCounts(1, 4)), Map.of()));

    // when the batch counts two attempts and one retry
    tally.countAttempt(meta);
    tally.countAttempt(meta);
    tally.countRetry(meta);

    // then each decision after that sees them
    assertThat(tally.counts(PAYMENTS)).isEqualTo(new BudgetCounts(2, 6));
    assertThat(tally.counts(BILLING)).isEqualTo(new BudgetCounts(1, 2));
    assertThat(tally.added())
        .containsEntry(PAYMENTS, new BudgetCounts(1, 2))
        .containsEntry(BILLING, new BudgetCounts(1, 2));
  }

  @Test
  void shouldFindARetryOvertakenByWhatOtherConsumersCommittedMeanwhile() {
    RetryBudget halfOfAttempts = new RetryBudget(0.5, Duration.ofMinutes(1), 0);
    BudgetTally tally = new BudgetTally();
    EventMeta meta = meta("payments", null);

    // given a batch that saw 1 retry for 4 attempts and allowed itself a retry after its attempt
    tally.load(new BudgetWindow(Map.of(PAYMENTS, new BudgetCounts(1, 4)), Map.of()));
    tally.countAttempt(meta);
    BudgetCounts seen = tally.counts(PAYMENTS);
    assertThat(halfOfAttempts.allowsOneMore(seen.retries(), seen.attempts())).isTrue();
    tally.allowed(PAYMENTS);
    tally.countRetry(meta);

    // when others committed only attempts meanwhile, the retry still fits
    assertThat(tally.overtaken(Map.of(PAYMENTS, new BudgetCounts(1, 8)), halfOfAttempts)).isEmpty();

    // when they committed two retries (3 of 6, then 4 would be more than half of 7), it does not
    assertThat(tally.overtaken(Map.of(PAYMENTS, new BudgetCounts(3, 6)), halfOfAttempts))
        .contains(PAYMENTS);
  }

  @Test
  void shouldNotCallABatchThatAllowedNoRetryOvertaken() {
    RetryBudget halfOfAttempts = new RetryBudget(0.5, Duration.ofMinutes(1), 0);
    BudgetTally tally = new BudgetTally();

    // given a batch that weighed no retry at all
    tally.load(new BudgetWindow(Map.of(PAYMENTS, new BudgetCounts(0, 0)), Map.of()));
    tally.countAttempt(meta("payments", null));

    // then nothing it did can be overtaken, whatever the others committed
    assertThat(tally.overtaken(Map.of(PAYMENTS, new BudgetCounts(100, 100)), halfOfAttempts))
        .isEmpty();
  }

  @Test
  void shouldTellFromTheVersionsWhetherAnotherBatchSpentTheBudgetSinceTheRead() {
    BudgetTally tally = new BudgetTally();
    EventMeta meta = meta("payments", "billing");

    // given a batch that read version 4 of the pipeline's budget (the source's was never locked)
    tally.load(
        new BudgetWindow(
            Map.of(PAYMENTS, new BudgetCounts(0, 0), BILLING, new BudgetCounts(0, 0)),
            Map.of(PAYMENTS, 4L)));
    tally.countAttempt(meta);
    tally.allowed(PAYMENTS);
    tally.allowed(BILLING);
    assertThat(tally.spentScopes()).containsExactly(PAYMENTS, BILLING);

    // then its own lock made them 5 and 1 when nobody else committed in between
    assertThat(tally.aloneSinceRead(Map.of(PAYMENTS, 5L, BILLING, 1L))).isTrue();
    // and anything more means another batch committed retries of that budget
    assertThat(tally.aloneSinceRead(Map.of(PAYMENTS, 6L, BILLING, 1L))).isFalse();
    assertThat(tally.aloneSinceRead(Map.of(PAYMENTS, 5L, BILLING, 2L))).isFalse();
  }

  @Test
  void shouldHaveNoScopeForAMissingPipelineOrSource() {
    assertThat(BudgetTally.scopes(meta(null, "billing"))).containsExactly(BILLING);
    assertThat(BudgetTally.scopes(List.of(meta("payments", "billing"), meta("payments", null))))
        .containsExactly(PAYMENTS, BILLING);
  }

  private static EventMeta meta(String pipeline, String source) {
    return new EventMeta("e", "x", pipeline, source, Instant.EPOCH, null);
  }
}
