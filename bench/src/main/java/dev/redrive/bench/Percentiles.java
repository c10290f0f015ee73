package dev.redrive.bench;

import java.util.Arrays;

/** Percentiles of a set of durations in nanoseconds, reported in milliseconds. */
record Percentiles(int count, double p50, double p99, double max, double min) {

  static Percentiles ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        at(sorted, 0.50) / 1e6,
        at(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6,
        sorted[0] / 1e6);
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} of them at or below.
   */
  static long at(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  String describe() {
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%,d)", p50, p99, max, count);
  }
}
