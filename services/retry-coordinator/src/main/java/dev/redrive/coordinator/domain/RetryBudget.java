package dev.redrive.coordinator.domain;

import java.time.Duration;

/**
 * A retry budget in the Google SRE style: over a sliding window, retries may be at most {@code
 * ratio} of all attempts of a pipeline (and, separately, of a source), so that when a phase fails
 * everywhere at once Redrive stops making it worse. Below {@code minRetries} retries in the window
 * the budget never refuses, so a quiet pipeline can always retry.
 *
 * @param ratio retries per attempt allowed in the window, for example 0.2
 * @param window how far back attempts and retries are counted
 * @param minRetries retries always allowed in a window
 */
public record RetryBudget(double ratio, Duration window, int minRetries) {

  public RetryBudget {
    if (!(ratio >= 0.0) || ratio > 1.0) {
      throw new IllegalArgumentException("budget ratio must be between 0 and 1, was " + ratio);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("budget window must be positive, was " + window);
    }
    if (minRetries < 0) {
      throw new IllegalArgumentException("budget minRetries must not be negative");
    }
  }

  /** Whether one more retry fits, given what the window already holds. */
  public boolean allowsOneMore(long retriesInWindow, long attemptsInWindow) {
    if (retriesInWindow < minRetries) {
      return true;
    }
    return retriesInWindow + 1 <= ratio * attemptsInWindow;
  }

  /** Why the budget refused, in words. */
  public String refusal(String scope, long retriesInWindow, long attemptsInWindow) {
    return "retry budget of %s exhausted: %d retries for %d attempts in the last %ds (budget %d%%)"
        .formatted(
            scope, retriesInWindow, attemptsInWindow, window.toSeconds(), Math.round(ratio * 100));
  }
}
