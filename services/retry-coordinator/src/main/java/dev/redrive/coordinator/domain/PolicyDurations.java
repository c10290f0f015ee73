package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations of a policy document as people write them: {@code 30s}, {@code 5m}, {@code 1h}, {@code
 * 250ms}, {@code 2d} (a bare number is milliseconds) or ISO-8601 {@code PT30S}, as Spring's {@code
 * DurationStyle.detectAndParse} reads the YAML configuration.
 */
final class PolicyDurations {

  private static final Pattern SIMPLE = Pattern.compile("^([+-]?\\d{1,18})([a-zA-Z]{0,2})$");

  private PolicyDurations() {}

  /** The duration, or an {@link IllegalArgumentException} saying what form is expected. */
  static Duration parse(String text) {
    String value = text.trim();
    Matcher simple = SIMPLE.matcher(value);
    try {
      if (simple.matches()) {
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2).toLowerCase(Locale.ROOT)) {
          case "ns" -> Duration.ofNanos(amount);
          case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
          case "", "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          default -> throw new IllegalArgumentException(unreadable(text));
        };
      }
      if (value.startsWith("P") || value.startsWith("p") || value.startsWith("-P")) {
        return Duration.parse(value);
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(unreadable(text), e);
    }
    throw new IllegalArgumentException(unreadable(text));
  }

  private static String unreadable(String text) {
    return "must be a duration such as 30s, 5m, 1h or PT30S, was \"%s\""
        .formatted(text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }

  /** The shortest exact form in the largest whole unit: 1s, 5m, 90s, 250ms, 1d. */
  static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.toNanosPart() % 1_000_000 != 0) {
      return duration.toString();
    }
    long millis = duration.toMillis();
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1000L == 0) {
      return millis / 1000L + "s";
    }
    return millis + "ms";
  }
}
