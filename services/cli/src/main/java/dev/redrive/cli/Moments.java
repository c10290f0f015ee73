package dev.redrive.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.TypeConversionException;

/**
 * The moments that {@code --since} and {@code --until} take: an instant ({@code
 * 2026-12-06T09:00:00Z}) or a duration before now ({@code 90s}, {@code 30m}, {@code 2h}).
 */
final class Moments {

  private Moments() {}

  /** The moment as an ISO-8601 instant, or null when the option was not given. */
  static String instant(String option, String value, Instant now) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value.strip()).toString();
    } catch (DateTimeParseException notAnInstant) {
      try {
        Duration ago = new DurationConverter().convert(value);
        return now.minus(ago).toString();
      } catch (TypeConversionException notADuration) {
        throw new UsageException(
            "%s '%s' is neither an instant such as 2026-11-23T00:00:00Z nor a duration before now such as 2h"
                .formatted(option, value));
      }
    }
  }
}
