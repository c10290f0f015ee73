package dev.redrive.runner.process;

import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.domain.CommandSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to its end: argv as given (never through a shell the definition did not name),
 * in the phase {@link Sandbox} when there is one, output kept within a budget, and nothing left
 * behind. On Linux the command runs in a process group of its own ({@code setsid}), and when it
 * ends or times out every process still in that group is killed, including background children that
 * were re-parented away from it and would otherwise keep the output pipe (and a runner worker)
 * busy.
 */
public final class ProcessRun {

  /** How a command ended; {@code exitCode} is null when it timed out or could not start. */
  public record Result(
      Integer exitCode, boolean timedOut, String startError, String output, long durationMs) {}

  private static final Path SETSID = findSetsid();
  private static final long DRAIN_GRACE_MILLIS = 2_000;

  private ProcessRun() {}

  /**
   * Runs the command unconfined (no sandbox) with exactly the given environment plus the command's
   * own {@code env}: nothing of the runner's environment (database passwords...) is passed on
   * unless given here.
   */
  public static Result run(
      CommandSpec command, Path workspace, Map<String, String> env, int outputLimit) {
    return run(command, workspace, env, outputLimit, new PhaseControl(), Sandbox.none());
  }

  /**
   * As {@link #run(CommandSpec, Path, Map, int)}, in the sandbox (when it is active: only the
   * workspace writable, HOME and TMPDIR its private /tmp); {@link PhaseControl#stop()} kills the
   * process group (and the sandbox with everything in it) at once, and the command ends as if it
   * had been killed from outside.
   */
  public static Result run(
      CommandSpec command,
      Path workspace,
      Map<String, String> env,
      int outputLimit,
      PhaseControl control,
      Sandbox sandbox) {
    long started = System.nanoTime();
    Path root = workspace.toAbsolutePath().normalize();
    Path workingDir = root.resolve(command.workingDir()).normalize();
    List<String> argv = new ArrayList<>();
    if (SETSID != null) {
      argv.add(SETSID.toString());
    }
    argv.addAll(sandbox.wrap(command.argv(), root, workingDir));
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().putAll(sandbox.environmentOverrides());
    builder.environment().putAll(command.env());
    String program = command.argv().get(0);
    if (SETSID != null
        && !executableExists(
            program, builder.environment().get("PATH"), builder.directory().toPath())) {
      // setsid would report this as exit code 127; say it the way a direct start would
      return new Result(
          null,
          false,
          "Cannot run program \"" + program + "\": No such file or directory",
          "",
          elapsed(started));
    }
    if (control.stopped()) {
      return new Result(null, false, "stopped before it started", "", elapsed(started));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(null, false, e.getMessage(), "", elapsed(started));
    }
    control.onStop(() -> killGroup(process));
    BoundedOutput output = new BoundedOutput(outputLimit);
    InputStream stdout = process.getInputStream();
    Thread drain = new Thread(() -> drain(stdout, output), "phase-output-" + process.pid());
    drain.setDaemon(true);
    drain.start();
    try {
      boolean finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      control.clear();
      killGroup(process);
      awaitDrain(drain, stdout);
      if (!finished) {
        return new Result(null, true, null, output.text(), elapsed(started));
      }
      return new Result(process.exitValue(), false, null, output.text(), elapsed(started));
    } catch (InterruptedException e) {
      control.clear();
      killGroup(process);
      Thread.currentThread().interrupt();
      return new Result(null, false, "interrupted", output.text(), elapsed(started));
    }
  }

  private static void drain(InputStream stdout, BoundedOutput output) {
    try (stdout) {
      output.drain(stdout);
    } catch (IOException e) {
      // the pipe closes when the process group is killed; what was read is kept
    }
  }

  /** Waits for the output to end; a writer that escaped the group cannot hold the worker. */
  private static void awaitDrain(Thread drain, InputStream stdout) throws InterruptedException {
    drain.join(DRAIN_GRACE_MILLIS);
    if (drain.isAlive()) {
      try {
        stdout.close();
      } catch (IOException e) {
        // closing only unblocks the reader; the output read so far is kept
      }
      drain.join(DRAIN_GRACE_MILLIS);
    }
  }

  /**
   * Kills the process, its descendants and every process left in its process group: the process
   * first (so a shell does not report its children's deaths into the output), through {@link
   * ProcessHandle} (so the output pipe stays open until the drain has read it).
   */
  private static void killGroup(Process process) {
    ProcessHandle root = process.toHandle();
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    if (SETSID != null) {
      long group = root.pid();
      ProcessHandle.allProcesses()
          .filter(p -> p.pid() != group && processGroup(p.pid()) == group)
          .forEach(ProcessHandle::destroyForcibly);
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The process group of a process, from {@code /proc/<pid>/stat}; -1 when it cannot be read. */
  static long processGroup(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // fields after the command name (which may contain spaces) : state ppid pgrp ...
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static boolean executableExists(String program, String path, Path workingDir) {
    if (program.contains("/")) {
      return Files.isExecutable(workingDir.resolve(program));
    }
    String searchPath = path != null ? path : System.getenv("PATH");
    if (searchPath == null) {
      return false;
    }
    for (String dir : searchPath.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static Path findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path) && Files.isDirectory(Path.of("/proc"))) {
        return path;
      }
    }
    return null;
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
