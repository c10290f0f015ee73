package dev.redrive.runner.app;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one attempt of one phase in a workspace and classifies how it ended: earlier outputs
 * missing, command failed, timed out or could not start, own outputs missing, exit criteria not
 * met. No Kafka and no database here.
 */
public class PhaseExecutor {

  private final int outputLimit;
  private final Map<String, String> inheritedEnvironment;

  /**
   * @param outputLimit bytes of output kept per command (head and tail), the rest is dropped
   * @param inheritedEnvironment the runner's environment variables a phase sees (PATH, HOME...);
   *     nothing else of the runner's environment reaches a phase
   */
  public PhaseExecutor(int outputLimit, Map<String, String> inheritedEnvironment) {
    this.outputLimit = outputLimit;
    this.inheritedEnvironment = Map.copyOf(inheritedEnvironment);
  }

  /** Environment a phase sees: which execution, phase and attempt, and where things are. */
  static Map<String, String> environment(
      String executionId, Phase phase, Workspace workspace, int attempt, int maxAttempts) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDRIVE_EXECUTION_ID", executionId);
    env.put("REDRIVE_PHASE", phase.name());
    env.put("REDRIVE_WORKSPACE", workspace.root().toString());
    env.put("REDRIVE_ARTIFACTS_DIR", workspace.resolve(phase.artifactsDir()).toString());
    env.put("REDRIVE_ATTEMPT", Integer.toString(attempt));
    env.put("REDRIVE_MAX_ATTEMPTS", Integer.toString(maxAttempts));
    return env;
  }

  public AttemptOutcome run(
      String executionId,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      int attempt,
      int maxAttempts,
      Map<String, String> retryEnvironment) {
    for (Phase earlier : pipeline.before(phase.name())) {
      for (String output : earlier.expectedOutputs()) {
        if (!Files.exists(workspace.resolve(output))) {
          return failure(
              FailureType.MISSING_OUTPUT,
              true,
              "missing input",
              "expected output from %s not found: %s".formatted(earlier.name(), output),
              null,
              List.of(),
              "",
              0);
        }
      }
    }
    workspace.prepare(phase);
    Map<String, String> env = new LinkedHashMap<>(inheritedEnvironment);
    env.putAll(environment(executionId, phase, workspace, attempt, maxAttempts));
    env.putAll(retryEnvironment);

    ProcessRun.Result result = ProcessRun.run(phase.command(), workspace.root(), env, outputLimit);
    if (result.startError() != null) {
      return failure(
          FailureType.INFRASTRUCTURE,
          false,
          "could not start",
          "could not start %s: %s".formatted(phase.command().argv().get(0), result.startError()),
          null,
          List.of(),
          result.output(),
          result.durationMs());
    }
    if (result.timedOut()) {
      return failure(
          FailureType.TIMEOUT,
          false,
          "timeout",
          "phase %s ran longer than %s and was killed"
              .formatted(phase.name(), phase.command().timeout()),
          null,
          List.of(),
          result.output(),
          result.durationMs());
    }
    if (result.exitCode() != 0) {
      return failure(
          FailureType.COMMAND_FAILED,
          false,
          "exit code " + result.exitCode(),
          lastLine(result.output(), "command exited with code " + result.exitCode()),
          result.exitCode(),
          List.of(),
          result.output(),
          result.durationMs());
    }
    List<String> missing =
        phase.expectedOutputs().stream().filter(o -> !Files.exists(workspace.resolve(o))).toList();
    if (!missing.isEmpty()) {
      return failure(
          FailureType.MISSING_OUTPUT,
          false,
          "missing output",
          "phase %s did not produce: %s".formatted(phase.name(), String.join(", ", missing)),
          0,
          List.of(),
          result.output(),
          result.durationMs());
    }
    List<CheckResult> checks = new ArrayList<>();
    for (CheckSpec check : phase.exitCriteria()) {
      ProcessRun.Result checkResult =
          ProcessRun.run(check.command(), workspace.root(), env, outputLimit);
      boolean passed = checkResult.exitCode() != null && checkResult.exitCode() == 0;
      checks.add(new CheckResult(check.name(), passed, checkOutput(check, checkResult)));
    }
    List<String> failed = checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
    if (!failed.isEmpty()) {
      return failure(
          FailureType.EXIT_CRITERIA_NOT_MET,
          false,
          "exit criteria not met",
          "exit criteria not met: " + String.join(", ", failed),
          0,
          checks,
          result.output(),
          result.durationMs());
    }
    return AttemptOutcome.success(checks, result.output(), result.durationMs());
  }

  private static AttemptOutcome failure(
      FailureType type,
      boolean hard,
      String errorType,
      String message,
      Integer exitCode,
      List<CheckResult> checks,
      String log,
      long durationMs) {
    return new AttemptOutcome(type, hard, errorType, message, exitCode, checks, log, durationMs);
  }

  private static String checkOutput(CheckSpec check, ProcessRun.Result result) {
    if (result.startError() != null) {
      return "check could not start: " + result.startError();
    }
    if (result.timedOut()) {
      return result.output() + "\n[check timed out after " + check.command().timeout() + "]";
    }
    return result.output();
  }

  private static String lastLine(String output, String fallback) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? fallback : lines.get(lines.size() - 1).strip();
  }
}
