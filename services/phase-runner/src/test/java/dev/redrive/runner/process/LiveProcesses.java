package dev.redrive.runner.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Tells whether a process the tests started still runs. */
public final class LiveProcesses {

  private LiveProcesses() {}

  /**
   * Whether the process still runs. A killed process whose parent is gone can stay a zombie until
   * init reaps it; a zombie runs nothing, so it does not count.
   */
  public static boolean running(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return !Arrays.asList('Z', 'X', 'x').contains(state);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
