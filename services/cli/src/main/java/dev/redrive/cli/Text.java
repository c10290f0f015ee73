package dev.redrive.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for output meant for people. */
final class Text {

  private Text() {}

  /** The first line of {@code value}, cut at {@code max} characters; "" for null. */
  static String oneLine(String value, int max) {
    if (value == null) {
      return "";
    }
    String line = value.strip();
    int newline = line.indexOf('\n');
    boolean more = newline >= 0;
    if (more) {
      line = line.substring(0, newline).strip();
    }
    if (line.length() > max) {
      return line.substring(0, max - 3) + "...";
    }
    return more ? line + " ..." : line;
  }

  /** A duration as a person writes it: 500ms, 90s, 30m, 2h. */
  static String duration(java.time.Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** Rows whose columns line up; the last column is never padded. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table row(String... cells) {
      rows.add(cells);
      return this;
    }

    boolean isEmpty() {
      return rows.isEmpty();
    }

    void print(PrintWriter out, String indent) {
      int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
      int[] widths = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < row.length - 1; i++) {
          widths[i] = Math.max(widths[i], length(row[i]));
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < row.length; i++) {
          String cell = row[i] == null ? "" : row[i];
          line.append(cell);
          if (i < row.length - 1) {
            line.append(" ".repeat(widths[i] - cell.length() + 2));
          }
        }
        out.println(line.toString().stripTrailing());
      }
    }

    private static int length(String cell) {
      return cell == null ? 0 : cell.length();
    }
  }
}
