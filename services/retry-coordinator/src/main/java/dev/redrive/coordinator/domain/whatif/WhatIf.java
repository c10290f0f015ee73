package dev.redrive.coordinator.domain.whatif;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RepeatedFailureRule;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Replays recorded failures under a proposed set of policies: each failure is decided by the code
 * the live coordinator runs ({@link PolicySet#resolve}, {@link RetryPolicy#decide}, {@link
 * RetryBudget#allowsOneMore}), with the phase's failure count as the proposal would have kept it,
 * and set against what the live coordinator really decided.
 *
 * <ul>
 *   <li>Delays are expected delays: full jitter draws the middle of its range ({@link MeanDraw}).
 *   <li>Where the proposal retries and the live coordinator asked a person, what the retry would
 *       have done is not known: it is counted in {@code retriesBeyondHistory} and nothing is
 *       invented after it.
 *   <li>Where the proposal pauses and the live coordinator retried, the phase's later real attempts
 *       would not have run: they are counted in {@code attemptsAvoided}, until a person's retry
 *       (which really came) resumes the phase.
 *   <li>A person's retry ends a pause; with a reset it zeroes the count, as it did live.
 *   <li>The retry budget is a sliding window per pipeline and per source over the attempts and
 *       retries the proposal would have seen.
 * </ul>
 */
public final class WhatIf {

  private WhatIf() {}

  private record PhaseKey(String executionId, String phase) {}

  private static final class PhaseState {
    int count;

    /** The failures counted since the last reset, oldest first (for the repeated-failure stop). */
    final List<Failure> counted = new ArrayList<>();

    Instant firstFailureAt;

    /** The proposal paused the phase where the live coordinator retried. */
    boolean paused;
  }

  private static final class Row {
    final String pipeline;
    final String phase;
    final Tally actual = new Tally();
    final Tally proposed = new Tally();
    long failures;
    long beyond;
    long avoided;

    Row(String pipeline, String phase) {
      this.pipeline = pipeline;
      this.phase = phase;
    }
  }

  /**
   * Replays {@code history} (any order: it is sorted by time, ties kept in the given order) under
   * {@code proposal}.
   *
   * @param phase only this phase is reported (every phase is replayed: they share the budget); null
   *     = all
   * @param maxRows how many pipeline/phase rows the report keeps, those that change most first
   * @param repeated the repeated-failure stop in force (the coordinator's setting, not a policy's)
   */
  public static WhatIfReport replay(
      List<PastEvent> history,
      PolicySet proposal,
      RepeatedFailureRule repeated,
      String phase,
      int maxRows) {
    List<PastEvent> events = new ArrayList<>(history);
    events.sort(Comparator.comparing(PastEvent::at));
    SlidingBudget budget = new SlidingBudget(proposal.budget());
    Map<PhaseKey, PhaseState> phases = new HashMap<>();
    Map<List<String>, Row> rows = new LinkedHashMap<>();
    Tally actual = new Tally();
    Tally proposed = new Tally();
    Set<String> executions = new HashSet<>();
    Set<String> affected = new HashSet<>();
    long failures = 0;
    long unrecorded = 0;
    long beyond = 0;
    long avoided = 0;
    for (PastEvent event : events) {
      PhaseState state =
          phases.computeIfAbsent(
              new PhaseKey(event.executionId(), event.phase()), k -> new PhaseState());
      boolean reported = event.inWindow() && (phase == null || phase.equals(event.phase()));
      if (event instanceof PastEvent.PersonRetry retry) {
        state.paused = false;
        if (retry.reset()) {
          state.count = 0;
          state.counted.clear();
        }
        continue;
      }
      String pipeline =
          event instanceof PastEvent.Failed f
              ? f.pipeline()
              : ((PastEvent.Succeeded) event).pipeline();
      Row row =
          reported
              ? rows.computeIfAbsent(
                  keyOf(pipeline, event.phase()), k -> new Row(pipeline, event.phase()))
              : null;
      if (event instanceof PastEvent.Succeeded succeeded) {
        if (state.paused) {
          if (reported) {
            avoided++;
            row.avoided++;
            affected.add(event.executionId());
          }
        } else {
          budget.attempt(
              SlidingBudget.scopes(succeeded.pipeline(), succeeded.source()), event.at());
        }
        continue;
      }
      PastEvent.Failed failed = (PastEvent.Failed) event;
      if (state.firstFailureAt == null) {
        state.firstFailureAt = failed.at();
      }
      if (reported) {
        failures++;
        row.failures++;
        executions.add(failed.executionId());
        actual.add(failed.actual());
        row.actual.add(failed.actual());
        if (failed.actual().kind() == RecordedDecision.Kind.UNRECORDED) {
          unrecorded++;
        }
      }
      if (state.paused) {
        if (reported) {
          avoided++;
          row.avoided++;
          affected.add(failed.executionId());
        }
        continue;
      }
      List<String> scopes = SlidingBudget.scopes(failed.pipeline(), failed.source());
      budget.attempt(scopes, failed.at());
      if (failed.actual().kind() == RecordedDecision.Kind.LOOP) {
        continue;
      }
      state.count++;
      state.counted.add(failed.failure());
      Decision decision = decide(failed, state, proposal, repeated, budget, scopes);
      RecordedDecision real = failed.actual();
      if (decision instanceof Decision.Intervene && real.kind() == RecordedDecision.Kind.RETRY) {
        state.paused = true;
      }
      if (!reported) {
        continue;
      }
      RecordedDecision outcome = RecordedDecision.of(decision);
      proposed.add(outcome);
      row.proposed.add(outcome);
      if (decision instanceof Decision.Retry && real.kind() == RecordedDecision.Kind.INTERVENE) {
        beyond++;
        row.beyond++;
      }
      if (real.kind() != RecordedDecision.Kind.UNRECORDED && !real.sameAs(decision)) {
        affected.add(failed.executionId());
      }
    }
    return new WhatIfReport(
        failures,
        unrecorded,
        executions.size(),
        affected.size(),
        actual.totals(),
        proposed.totals(),
        beyond,
        avoided,
        rows.values().stream()
            // phases that only succeeded are there for the budget, not for the report
            .filter(r -> r.failures > 0 || r.avoided > 0)
            .sorted(
                Comparator.comparingLong((Row r) -> r.proposed.changeFrom(r.actual))
                    .thenComparingLong(r -> r.failures)
                    .reversed())
            .limit(maxRows)
            .map(
                r ->
                    new WhatIfReport.Row(
                        r.pipeline,
                        r.phase,
                        r.failures,
                        r.actual.totals(),
                        r.proposed.totals(),
                        r.beyond,
                        r.avoided))
            .toList());
  }

  /** The live coordinator's decision on the failure, under the proposal and its budget. */
  private static Decision decide(
      PastEvent.Failed failed,
      PhaseState state,
      PolicySet proposal,
      RepeatedFailureRule repeated,
      SlidingBudget budget,
      List<String> scopes) {
    RetryPolicy policy =
        proposal
            .resolve(
                failed.executionId(),
                failed.source(),
                failed.pipeline(),
                failed.phase(),
                failed.declared())
            .policy();
    Decision decision =
        policy.decide(
            failed.executionId(),
            state.count,
            state.firstFailureAt,
            failed.failure(),
            MeanDraw.INSTANCE);
    if (decision instanceof Decision.Retry) {
      Decision.Intervene same =
          repeated.check(failed.executionId(), state.counted, failed.failure());
      if (same != null) {
        return same;
      }
    }
    if (decision instanceof Decision.Retry && !budget.spendRetry(scopes, failed.at())) {
      return new Decision.Intervene(
          Decision.Cause.BUDGET_USED_UP, "retry budget used up", "(what-if)");
    }
    return decision;
  }

  private static List<String> keyOf(String pipeline, String phase) {
    return java.util.Arrays.asList(pipeline, Objects.requireNonNull(phase));
  }
}
