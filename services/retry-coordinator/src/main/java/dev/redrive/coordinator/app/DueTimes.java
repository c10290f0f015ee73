package dev.redrive.coordinator.app;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Due times as the contract carries them: whole milliseconds, never earlier than asked. */
final class DueTimes {

  private DueTimes() {}

  /** The instant rounded up to the next whole millisecond. */
  static Instant atMillis(Instant instant) {
    Instant truncated = instant.truncatedTo(ChronoUnit.MILLIS);
    return truncated.equals(instant) ? instant : truncated.plusMillis(1);
  }
}
