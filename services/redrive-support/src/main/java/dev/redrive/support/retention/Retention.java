package dev.redrive.support.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a table keeps a row, counted from a time the row holds (when an audited event occurred,
 * when a consumed event was processed). Zero keeps every row forever.
 *
 * @param keep the age after which a row is deleted; {@link Duration#ZERO} for never
 */
public record Retention(Duration keep) {

  /** Keeps every row forever. */
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

  /** Rows whose time is before this instant are due for deletion; empty when kept forever. */
  public Optional<Instant> cutoff(Instant now) {
    if (keepsForever()) {
      return Optional.empty();
    }
    return Optional.of(now.minus(keep));
  }
}
