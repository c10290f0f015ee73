package dev.redrive.coordinator.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Function;

/**
 * Parameters of the set-based statements: a column of many rows is one text array, which {@code
 * unnest(?::text[])} turns back into rows.
 */
final class SqlArrays {

  private SqlArrays() {}

  /** One text array parameter: {@code unnest(?::text[])} turns it back into rows. */
  static <T> String[] texts(Collection<T> rows, Function<T, String> column) {
    // a loop, not a stream: every statement of a decision batch makes several of these
    String[] texts = new String[rows.size()];
    int i = 0;
    for (T row : rows) {
      texts[i++] = column.apply(row);
    }
    return texts;
  }

  static String text(Object value) {
    return value == null ? null : value.toString();
  }

  static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
