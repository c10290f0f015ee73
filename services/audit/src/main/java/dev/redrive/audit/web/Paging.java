package dev.redrive.audit.web;

import dev.redrive.support.web.InvalidFieldException;

/**
 * The {@code limit} and {@code offset} of a page, read from the query as text so that every bad
 * value (0, -1, past the largest page, not a number) is refused naming the parameter and the range
 * it must be in.
 *
 * @param limit events on the page, 1 to the largest page size
 * @param offset events skipped, 0 or more
 */
record Paging(int limit, int offset) {

  /**
   * @param limit the parameter as sent, or null for the default
   * @param offset the parameter as sent, or null for 0
   * @param defaultLimit the page size when {@code limit} is absent
   * @param maxLimit the largest page size allowed ({@code redrive.audit.max-page-size})
   * @throws InvalidFieldException naming the parameter and its allowed range
   */
  static Paging of(String limit, String offset, int defaultLimit, int maxLimit) {
    return new Paging(
        number("limit", limit, defaultLimit, 1, maxLimit),
        number("offset", offset, 0, 0, Integer.MAX_VALUE));
  }

  private static int number(String name, String value, int absent, int min, int max) {
    if (value == null) {
      return absent;
    }
    String range =
        max == Integer.MAX_VALUE
            ? "a whole number of %d or more".formatted(min)
            : "a whole number from %d to %d".formatted(min, max);
    long parsed;
    try {
      parsed = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidFieldException(
          name, "Parameter '%s' must be %s, was '%s'.".formatted(name, range, shorten(value)));
    }
    if (parsed < min || parsed > max) {
      throw new InvalidFieldException(
          name, "Parameter '%s' must be %s, was %d.".formatted(name, range, parsed));
    }
    return (int) parsed;
  }

  private static String shorten(String value) {
    return value.length() > 40 ? value.substring(0, 37) + "..." : value;
  }
}
