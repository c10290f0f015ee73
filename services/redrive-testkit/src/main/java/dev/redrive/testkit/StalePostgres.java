package dev.redrive.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The database server of a JVM that was killed (SIGKILL, a crash): {@code pg_ctl} detaches it, so
 * it outlives the JVM and holds the data folder ({@code postmaster.pid}); the next start on that
 * folder would fail. It is stopped (SIGTERM: PostgreSQL's smart shutdown, its clients are gone)
 * only when it is a {@code postgres} process serving exactly that folder.
 */
final class StalePostgres {

  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private StalePostgres() {}

  static void stop(Path dataFolder) {
    Path pidFile = dataFolder.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<ProcessHandle> server = server(pidFile, dataFolder);
    if (server.isEmpty()) {
      return;
    }
    ProcessHandle process = server.get();
    process.destroy();
    try {
      process.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + process.pid(), e);
    } catch (ExecutionException | TimeoutException e) {
      // told below
    }
    if (process.isAlive()) {
      throw new IllegalStateException(
          "a PostgreSQL server (pid %d) left running on %s did not stop within %s; stop it and start again"
              .formatted(process.pid(), dataFolder, STOP_WAIT));
    }
  }

  private static Optional<ProcessHandle> server(Path pidFile, Path dataFolder) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pidFile, e);
    }
    if (lines.size() < 2 || !lines.get(0).strip().matches("\\d{1,10}")) {
      return Optional.empty();
    }
    Path served = Path.of(lines.get(1).strip()).toAbsolutePath().normalize();
    if (!served.equals(dataFolder.toAbsolutePath().normalize())) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
        .filter(ProcessHandle::isAlive)
        .filter(StalePostgres::isPostgres)
        .filter(p -> p.pid() != ProcessHandle.current().pid());
  }

  /**
   * Whether the process runs the {@code postgres} program (its command, else its /proc cmdline).
   */
  private static boolean isPostgres(ProcessHandle process) {
    Optional<String> command = process.info().command();
    if (command.isPresent()) {
      return command.get().endsWith("postgres");
    }
    try {
      String cmdline = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
      return cmdline.split("\0")[0].endsWith("postgres");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
