package dev.redrive.coordinator.domain.whatif;

import java.util.List;
import java.util.Map;

/**
 * What a window's failures produced (actual) and would have produced under a proposal (proposed).
 *
 * @param failures failures of the window replayed
 * @param failuresUnrecorded of those, failures without a recorded decision (recorded before
 *     decisions were kept): replayed, but missing from the actual side
 * @param executions executions with a failure in the window
 * @param executionsAffected executions where the proposal decides at least one failure otherwise (a
 *     retry instead of a pause, another cause) or where attempts would not have run
 * @param retriesBeyondHistory proposed retries where really a person was asked: what such a retry
 *     would have done is not known, so no success and no later failure is invented for it
 * @param attemptsAvoided real attempts (failed or succeeded) that would not have run, because the
 *     proposal paused the phase before them
 * @param rows per pipeline and phase, the ones that change most first
 */
public record WhatIfReport(
    long failures,
    long failuresUnrecorded,
    long executions,
    long executionsAffected,
    Totals actual,
    Totals proposed,
    long retriesBeyondHistory,
    long attemptsAvoided,
    List<Row> rows) {

  public WhatIfReport {
    rows = List.copyOf(rows);
  }

  /**
   * The decisions of one side.
   *
   * @param interventions pauses for a person by cause (the budget's refusals among them, as {@code
   *     BUDGET_USED_UP})
   * @param budgetRefusals retries the retry budget refused
   * @param totalDelayMs the retries' delays added up (expected delays on the proposed side)
   */
  public record Totals(
      long retries,
      Map<String, Long> interventions,
      long budgetRefusals,
      long totalDelayMs,
      long p50DelayMs,
      long p95DelayMs) {

    public Totals {
      interventions = Map.copyOf(interventions);
    }

    public long interventionsTotal() {
      return interventions.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One pipeline's phase ({@code pipeline} is null for a failure that names none). */
  public record Row(
      String pipeline,
      String phase,
      long failures,
      Totals actual,
      Totals proposed,
      long retriesBeyondHistory,
      long attemptsAvoided) {}
}
