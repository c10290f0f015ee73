package dev.redrive.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the benchmark prints: progress lines, and result lines that also go into the summary. */
final class Report {

  private static final List<String> RESULTS = new ArrayList<>();

  private Report() {}

  /** A line for the person watching (not in the summary). */
  static void progress(String format, Object... args) {
    System.out.println(String.format(format, args));
    System.out.flush();
  }

  /** A result line: printed, and kept for the summary. */
  static synchronized void result(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println(line);
    System.out.flush();
    RESULTS.add(line);
  }

  static synchronized String summary() {
    return String.join(System.lineSeparator(), RESULTS) + System.lineSeparator();
  }

  static void write(String file) throws IOException {
    Path path = Path.of(file);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Files.writeString(path, "```\n" + summary() + "```\n");
  }
}
