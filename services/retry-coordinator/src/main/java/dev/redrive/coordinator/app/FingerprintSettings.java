package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.RepeatedFailureRule;
import java.time.Duration;

/**
 * How the coordinator uses error fingerprints ({@code redrive.coordinator.fingerprints.*}).
 *
 * @param repeated when identical failures on unchanged inputs and artifacts stop retries
 * @param maxClasses distinct {@code class} tags of {@code redrive.failures.by.fingerprint} this
 *     instance keeps; later classes are counted as {@code other}
 * @param suggestMinRetries retries of a fingerprint that must have ended before the history
 *     suggests marking it non-retryable
 * @param suggestBelowRate the success rate of those retries under which it suggests it
 * @param defaultWindow how far back the history reads when a request names no {@code since}
 * @param maxWindow how far back a request may read
 */
public record FingerprintSettings(
    RepeatedFailureRule repeated,
    int maxClasses,
    int suggestMinRetries,
    double suggestBelowRate,
    Duration defaultWindow,
    Duration maxWindow) {

  public FingerprintSettings {
    if (maxClasses < 1) {
      throw new IllegalArgumentException("max-classes must be at least 1, was " + maxClasses);
    }
    if (suggestMinRetries < 1) {
      throw new IllegalArgumentException(
          "suggest-min-retries must be at least 1, was " + suggestMinRetries);
    }
    if (!(suggestBelowRate >= 0.0 && suggestBelowRate <= 1.0)) {
      throw new IllegalArgumentException(
          "suggest-below-rate must be 0.0-1.0, was " + suggestBelowRate);
    }
    if (defaultWindow.isNegative() || defaultWindow.isZero()) {
      throw new IllegalArgumentException("default-window must be positive, was " + defaultWindow);
    }
    if (maxWindow.compareTo(defaultWindow) < 0) {
      throw new IllegalArgumentException(
          "max-window (%s) must not be shorter than default-window (%s)"
              .formatted(maxWindow, defaultWindow));
    }
  }

  /** The defaults of the configuration. */
  public static FingerprintSettings defaults() {
    return new FingerprintSettings(
        RepeatedFailureRule.defaults(), 50, 10, 0.1, Duration.ofDays(7), Duration.ofDays(90));
  }
}
