package dev.redrive.runner.app;

import dev.redrive.runner.domain.CommandSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to its end: argv as given (never through a shell the definition did not name),
 * output kept within a budget, the whole process tree killed at the timeout.
 */
final class ProcessRun {

  /** How a command ended; {@code exitCode} is null when it timed out or could not start. */
  record Result(
      Integer exitCode, boolean timedOut, String startError, String output, long durationMs) {}

  private ProcessRun() {}

  static Result run(CommandSpec command, Path workspace, Map<String, String> env, int outputLimit) {
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(command.argv())
            .directory(workspace.resolve(command.workingDir()).normalize().toFile())
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().putAll(command.env());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(null, false, e.getMessage(), "", elapsed(started));
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      killTree(process);
      return new Result(
          null, false, "could not close stdin: " + e.getMessage(), "", elapsed(started));
    }
    BoundedOutput output = new BoundedOutput(outputLimit);
    CompletableFuture<Void> drained =
        CompletableFuture.runAsync(
            () -> {
              try (var in = process.getInputStream()) {
                output.drain(in);
              } catch (IOException e) {
                // the stream closes when the process is killed; what was read is kept
              }
            });
    try {
      boolean finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killTree(process);
        drained.join();
        return new Result(null, true, null, output.text(), elapsed(started));
      }
      drained.join();
      return new Result(process.exitValue(), false, null, output.text(), elapsed(started));
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      return new Result(null, false, "interrupted", output.text(), elapsed(started));
    }
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
