package dev.redrive.coordinator.domain;

import java.time.Duration;

/**
 * How a retry's delay was computed, for people: the back-off before the cap, the cap, the jitter,
 * the reporter's own Retry-After, and the delay chosen.
 *
 * @param retryAfterMs the reporter's own delay, or null when the back-off applied
 * @param formula the computation in words
 */
public record DelayComputation(
    long exponentialMs,
    long capMs,
    Jitter jitter,
    Long retryAfterMs,
    long delayMs,
    String formula) {

  /** How {@code policy} came to {@code chosen} after {@code failedAttempts} failures. */
  public static DelayComputation of(
      RetryPolicy policy, int failedAttempts, Duration retryAfter, Duration chosen) {
    long exponential = policy.exponentialMillis(failedAttempts);
    long cap = policy.maxInterval().toMillis();
    long delay = chosen.toMillis();
    String formula;
    if (retryAfter != null) {
      long asked = retryAfter.toMillis();
      formula =
          "the reporter's Retry-After %dms%s, no jitter: %dms"
              .formatted(
                  asked, asked > cap ? ", capped at maxInterval %dms".formatted(cap) : "", delay);
    } else {
      long capped = Math.min(exponential, cap);
      // concatenated, not formatted: made for every retry
      formula =
          policy.initialInterval().toMillis()
              + "ms x "
              + plain(policy.multiplier())
              + "^"
              + Math.max(0, failedAttempts - 1)
              + " = "
              + exponential
              + "ms"
              + (exponential > cap ? ", capped at maxInterval " + cap + "ms" : "")
              + "; "
              + (policy.jitter() == Jitter.FULL
                  ? "FULL jitter drew " + delay + "ms from 0.." + capped + "ms"
                  : "no jitter: " + delay + "ms");
    }
    return new DelayComputation(
        exponential,
        cap,
        policy.jitter(),
        retryAfter == null ? null : retryAfter.toMillis(),
        delay,
        formula);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
