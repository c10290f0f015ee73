package dev.redrive.support.outbox;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Outbox ids written compactly as ranges ({@code 1-500,502,510-512}): a batch's ids are nearly
 * consecutive, so its progress record stays a few bytes long.
 */
final class IdRanges {

  private IdRanges() {}

  static String format(long[] ids) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < sorted.length) {
      int j = i;
      while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) {
        j++;
      }
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(sorted[i]);
      if (sorted[j] != sorted[i]) {
        text.append('-').append(sorted[j]);
      }
      i = j + 1;
    }
    return text.toString();
  }

  static long[] parse(String text) {
    if (text == null || text.isBlank()) {
      return new long[0];
    }
    return Arrays.stream(text.split(","))
        .flatMapToLong(
            range -> {
              int dash = range.indexOf('-');
              if (dash < 0) {
                return LongStream.of(Long.parseLong(range.trim()));
              }
              return LongStream.rangeClosed(
                  Long.parseLong(range.substring(0, dash).trim()),
                  Long.parseLong(range.substring(dash + 1).trim()));
            })
        .toArray();
  }
}
