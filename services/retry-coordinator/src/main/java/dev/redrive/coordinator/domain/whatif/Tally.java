package dev.redrive.coordinator.domain.whatif;

import dev.redrive.coordinator.domain.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts the decisions of one side of a what-if while it is replayed. */
final class Tally {

  private long retries;
  private final Map<Decision.Cause, Long> interventions = new EnumMap<>(Decision.Cause.class);
  private final List<Long> delays = new ArrayList<>();

  void retry(Duration delay) {
    retries++;
    delays.add(delay.toMillis());
  }

  void intervene(Decision.Cause cause) {
    interventions.merge(cause, 1L, Long::sum);
  }

  void add(RecordedDecision decision) {
    if (decision.kind() == RecordedDecision.Kind.RETRY) {
      retry(decision.delay());
    } else if (decision.kind() == RecordedDecision.Kind.INTERVENE) {
      intervene(decision.cause());
    }
  }

  long changeFrom(Tally other) {
    return Math.abs(retries - other.retries)
        + Math.abs(interventionsTotal() - other.interventionsTotal());
  }

  private long interventionsTotal() {
    return interventions.values().stream().mapToLong(Long::longValue).sum();
  }

  WhatIfReport.Totals totals() {
    Map<String, Long> byCause = new LinkedHashMap<>();
    interventions.forEach((cause, count) -> byCause.put(cause.name(), count));
    long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
    return new WhatIfReport.Totals(
        retries,
        byCause,
        interventions.getOrDefault(Decision.Cause.BUDGET_USED_UP, 0L),
        java.util.Arrays.stream(sorted).sum(),
        percentile(sorted, 50),
        percentile(sorted, 95));
  }

  /** The nearest-rank percentile, 0 for no delays. */
  static long percentile(long[] sorted, int percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
