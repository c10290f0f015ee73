package dev.redrive.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The figures of each case, printed and appended to {@code target/faults/figures.md} (a table row
 * per case) for {@code docs/reliability.md}.
 */
final class Figures {

  private static final Path FILE = Path.of("target", "faults", "figures.md");

  private Figures() {}

  static void record(
      String caseName,
      int executions,
      int recordsSent,
      StreamCheck check,
      String recovery,
      double wallSeconds,
      String notes) {
    record(caseName, executions, recordsSent, check, recovery, wallSeconds, notes, check.clean());
  }

  /** As above, for a case whose own checks (not {@link StreamCheck#clean()}) say pass or fail. */
  static void record(
      String caseName,
      int executions,
      int recordsSent,
      StreamCheck check,
      String recovery,
      double wallSeconds,
      String notes,
      boolean pass) {
    String row =
        "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %.0f | %s | %s |%n"
            .formatted(
                caseName,
                check.failures(),
                executions,
                recordsSent,
                check.commands(),
                check.duplicates(),
                check.lost(),
                check.outOfOrder(),
                check.countedWrong(),
                check.auditMissing(),
                recovery,
                wallSeconds,
                pass ? "pass" : "FAIL",
                notes);
    System.out.print("FAULT FIGURES " + row);
    try {
      Files.createDirectories(FILE.getParent());
      try {
        // two test JVMs run cases side by side: the first to create the file writes the header
        Files.writeString(
            FILE,
            "<!-- "
                + Instant.now()
                + " -->\n| case | failures | executions | records sent | commands read |"
                + " duplicate commands | lost | out of order | counted wrong | audit missing |"
                + " time to recover | wall s | result | notes |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException written) {
        // the header is there
      }
      Files.writeString(FILE, row, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
