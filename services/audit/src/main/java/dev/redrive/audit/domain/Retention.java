package dev.redrive.audit.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long the audit trail keeps an event, counted from when it occurred. Zero keeps every event
 * forever.
 *
 * @param keep the age after which an event is deleted; {@link Duration#ZERO} for never
 */
public record Retention(Duration keep) {

  /** Keeps every event forever. */
  public static final Retention FOREVER = new Retention(Duration.ZERO);

  public Retention {
    if (keep == null) {
      keep = Duration.ZERO;
    }
    if (keep.isNegative()) {
      throw new IllegalArgumentException("a retention cannot be negative: " + keep);
    }
  }

  public boolean keepsForever() {
    return keep.isZero();
  }

  /** Events that occurred before this instant are due for deletion; empty when kept forever. */
  public Optional<Instant> cutoff(Instant now) {
    if (keepsForever()) {
      return Optional.empty();
    }
    return Optional.of(now.minus(keep));
  }
}
