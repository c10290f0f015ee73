package dev.redrive.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Processes of this machine as the host sees them (a sandboxed phase has pids of its own, so the
 * pid it prints means nothing here): found by a text in their command line or environment.
 */
public final class HostProcesses {

  private HostProcesses() {}

  /** Pids of live processes whose argv or environment contains {@code text}. */
  public static List<Long> containing(String text) {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p ->
                  read(p.resolve("cmdline")).contains(text)
                      || read(p.resolve("environ")).contains(text))
          .filter(p -> !zombie(p))
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
  }

  /** Pids of live processes of the execution (every phase process carries its id). */
  public static List<Long> ofExecution(String executionId) {
    return containing("REDRIVE_EXECUTION_ID=" + executionId);
  }

  private static boolean zombie(Path process) {
    String stat = read(process.resolve("stat"));
    int end = stat.lastIndexOf(')');
    return stat.isEmpty() || (end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z');
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // the process ended, or is not ours to read
    }
  }
}
