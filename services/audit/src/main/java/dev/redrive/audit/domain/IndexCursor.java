package dev.redrive.audit.domain;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Where a page of the execution index ends: the last row's time of last event and execution id. The
 * next page lists the executions after it in the index order (newest first, then by id, largest
 * first), so rows that change while someone pages neither repeat nor shift the pages after them.
 * Written as {@code <microseconds since the epoch>~<execution id>}.
 *
 * @param lastEventAt the last row's time of last event
 * @param executionId the last row's execution id
 */
public record IndexCursor(Instant lastEventAt, String executionId) {

  /** Longest text a cursor can be (a 20-digit number, the separator, a 128-character id). */
  public static final int MAX_LENGTH = 160;

  private static final Pattern FORM = Pattern.compile("(-?[0-9]{1,19})~([A-Za-z0-9._:@-]{1,128})");

  /** The cursor after this summary. */
  public static IndexCursor after(ExecutionSummary summary) {
    return new IndexCursor(summary.lastEventAt(), summary.executionId());
  }

  /**
   * Reads a cursor as {@link #toString()} wrote it.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static IndexCursor parse(String text) {
    var match = text == null || text.length() > MAX_LENGTH ? null : FORM.matcher(text);
    if (match == null || !match.matches()) {
      throw new IllegalArgumentException(
          "not a cursor of this index: use the 'next' link of a page");
    }
    long micros;
    try {
      micros = Long.parseLong(match.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a cursor of this index: use the 'next' link");
    }
    return new IndexCursor(
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L),
        match.group(2));
  }

  @Override
  public String toString() {
    long micros =
        Math.addExact(
            Math.multiplyExact(lastEventAt.getEpochSecond(), 1_000_000L),
            lastEventAt.getNano() / 1000L);
    return micros + "~" + executionId;
  }
}
