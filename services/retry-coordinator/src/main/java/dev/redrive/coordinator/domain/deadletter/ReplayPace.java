package dev.redrive.coordinator.domain.deadletter;

import java.time.Duration;
import java.time.Instant;

/**
 * The rate limit of a replay: the n-th record (from 0) is sent no earlier than {@code start + n /
 * ratePerSecond}, so that a replay of many dead letters does not flood the topic and its consumers.
 * Plain arithmetic on instants; the caller waits.
 */
public record ReplayPace(int ratePerSecond) {

  public ReplayPace {
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("ratePerSecond must be at least 1, was " + ratePerSecond);
    }
  }

  /**
   * When the {@code n}-th send (counted from 0) may go, for a replay that started at {@code start}.
   */
  public Instant dueAt(Instant start, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n counts from 0, was " + n);
    }
    return start.plusNanos(Math.multiplyExact((long) n, 1_000_000_000L) / ratePerSecond);
  }

  /** How long {@code sends} records take at this rate (the first goes at once). */
  public Duration duration(int sends) {
    return sends <= 1
        ? Duration.ZERO
        : Duration.between(Instant.EPOCH, dueAt(Instant.EPOCH, sends - 1));
  }

  /** How long to wait before the {@code n}-th send, at {@code now}; zero when it is due. */
  public Duration waitBefore(Instant start, int n, Instant now) {
    Duration wait = Duration.between(now, dueAt(start, n));
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
