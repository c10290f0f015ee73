package dev.redrive.runner.phase;

import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.process.ProcessRun;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.Workspace;
import java.util.List;
import java.util.Map;

/**
 * The handler of a command phase: runs its process in the sandbox and says how it ended (could not
 * start, timed out, a non-zero exit code with the last output line, or done).
 */
final class CommandPhase {

  private final int outputLimit;
  private final Sandbox sandbox;

  CommandPhase(int outputLimit, Sandbox sandbox) {
    this.outputLimit = outputLimit;
    this.sandbox = sandbox;
  }

  Handled run(
      Phase phase,
      CommandSpec command,
      Workspace workspace,
      Map<String, String> env,
      PhaseControl control) {
    ProcessRun.Result result =
        ProcessRun.run(command, workspace.root(), env, outputLimit, control, sandbox);
    if (control.stopped()) {
      return new Handled(null, result.output(), result.durationMs(), result.exitCode(), null);
    }
    if (result.startError() != null) {
      return Handled.failed(
          Handled.failure(
              FailureType.INFRASTRUCTURE,
              false,
              "could not start",
              "could not start %s: %s".formatted(command.argv().get(0), result.startError()),
              null,
              List.of(),
              result.output(),
              result.durationMs()));
    }
    if (result.timedOut()) {
      return Handled.failed(
          Handled.failure(
              FailureType.TIMEOUT,
              false,
              "timeout",
              "phase %s ran longer than %s and was killed"
                  .formatted(phase.name(), command.timeout()),
              null,
              List.of(),
              result.output(),
              result.durationMs()));
    }
    if (result.exitCode() != 0) {
      return Handled.failed(
          Handled.failure(
              FailureType.COMMAND_FAILED,
              false,
              "exit code " + result.exitCode(),
              lastLine(result.output(), "command exited with code " + result.exitCode()),
              result.exitCode(),
              List.of(),
              result.output(),
              result.durationMs()));
    }
    return new Handled(null, result.output(), result.durationMs(), 0, null);
  }

  private static String lastLine(String output, String fallback) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? fallback : lines.get(lines.size() - 1).strip();
  }
}
