package dev.redrive.runner.phase;

import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.app.PhaseRunner;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WriteChanges;
import dev.redrive.runner.http.HttpCall;
import dev.redrive.runner.process.ProcessRun;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.Workspace;
import dev.redrive.runner.workspace.WriteGuard;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one attempt of one phase in a workspace and classifies how it ended: earlier outputs
 * missing, command failed, timed out or could not start, webhook answered badly, writes outside the
 * allowed paths, own outputs missing, exit criteria not met. No Kafka and no database here.
 */
public class PhaseExecutor implements PhaseRunner {

  /** Where an http phase's answer body is kept, inside its artifacts folder. */
  public static final String HTTP_RESPONSE_FILE = "http-response.body";

  private static final int MOST_LISTED_FILES = 50;

  private final int outputLimit;
  private final Map<String, String> inheritedEnvironment;
  private final Sandbox sandbox;
  private final CommandPhase command;
  private final WebhookPhase webhook;

  /**
   * @param outputLimit bytes of output kept per command (head and tail), the rest is dropped
   * @param inheritedEnvironment the runner's environment variables a phase sees (PATH, HOME...);
   *     nothing else of the runner's environment reaches a phase
   * @param sandbox where commands and checks run
   * @param httpResponseMaxBytes bytes of an http phase's answer body kept; a longer one fails
   */
  public PhaseExecutor(
      int outputLimit,
      Map<String, String> inheritedEnvironment,
      Sandbox sandbox,
      long httpResponseMaxBytes) {
    this(
        outputLimit,
        inheritedEnvironment,
        sandbox,
        httpResponseMaxBytes,
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build(),
        Clock.systemUTC());
  }

  /** As above, with the http client (one that follows no redirect) and the clock given. */
  public PhaseExecutor(
      int outputLimit,
      Map<String, String> inheritedEnvironment,
      Sandbox sandbox,
      long httpResponseMaxBytes,
      HttpClient client,
      Clock clock) {
    this.outputLimit = outputLimit;
    this.inheritedEnvironment = Map.copyOf(inheritedEnvironment);
    this.sandbox = sandbox;
    this.command = new CommandPhase(outputLimit, sandbox);
    this.webhook = new WebhookPhase(new HttpCall(client, outputLimit, httpResponseMaxBytes, clock));
  }

  /**
   * Environment a phase sees: which execution, phase and attempt, and where things are. {@code
   * REDRIVE_MAX_ATTEMPTS} is left out when the attempt's bound is unknown (null).
   */
  static Map<String, String> environment(
      String executionId, Phase phase, Workspace workspace, int attempt, Integer maxAttempts) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDRIVE_EXECUTION_ID", executionId);
    env.put("REDRIVE_PHASE", phase.name());
    env.put("REDRIVE_WORKSPACE", workspace.root().toString());
    env.put("REDRIVE_ARTIFACTS_DIR", workspace.resolve(phase.artifactsDir()).toString());
    env.put("REDRIVE_ATTEMPT", Integer.toString(attempt));
    if (maxAttempts != null) {
      env.put("REDRIVE_MAX_ATTEMPTS", Integer.toString(maxAttempts));
    }
    return env;
  }

  public AttemptOutcome run(
      String executionId,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      int attempt,
      Integer maxAttempts,
      Map<String, String> retryEnvironment) {
    return run(
        new PhaseRun(
            executionId,
            pipeline,
            phase,
            workspace.root().toString(),
            attempt,
            maxAttempts,
            retryEnvironment,
            Map.of(),
            null,
            new PhaseControl()));
  }

  @Override
  public AttemptOutcome run(PhaseRun request) {
    Phase phase = request.phase();
    Workspace workspace = new Workspace(Path.of(request.workspace()));
    Optional<AttemptOutcome> halted = missingEarlierOutput(request.pipeline(), phase, workspace);
    if (halted.isPresent()) {
      return halted.get();
    }
    workspace.prepare(phase);
    Map<String, FileFingerprint> before = WriteGuard.snapshot(workspace, phase.writePaths());
    Map<String, String> env = new LinkedHashMap<>(inheritedEnvironment);
    env.putAll(
        environment(
            request.executionId(), phase, workspace, request.attempt(), request.maxAttempts()));
    env.putAll(request.retryEnvironment());
    for (String input : phase.inputs()) {
      env.put(Phase.inputVariable(input), request.parameters().getOrDefault(input, ""));
    }
    Handled handled =
        phase.handler() instanceof HttpSpec spec
            ? webhook.call(request, workspace, spec)
            : command.run(phase, phase.command(), workspace, env, request.control());
    WriteChanges changes =
        WriteChanges.between(before, WriteGuard.snapshot(workspace, phase.writePaths()));
    if (!changes.isEmpty()) {
      return unauthorizedWrite(request, workspace, handled, changes, before);
    }
    if (request.control().stopped()) {
      return stopped(handled);
    }
    if (handled.failure() != null) {
      return handled.failure();
    }
    return outputsAndChecks(phase, workspace, env, request.control(), handled);
  }

  private Optional<AttemptOutcome> missingEarlierOutput(
      Pipeline pipeline, Phase phase, Workspace workspace) {
    for (Phase earlier : pipeline.before(phase.name())) {
      for (OutputSpec output : earlier.outputs()) {
        Optional<String> problem = Outputs.problem(workspace, output);
        if (problem.isPresent()) {
          return Optional.of(
              new AttemptOutcome(
                  FailureType.MISSING_OUTPUT,
                  true,
                  "missing input",
                  "expected output from %s %s".formatted(earlier.name(), problem.get()),
                  null,
                  List.of(),
                  "",
                  0,
                  null,
                  Map.of(
                      AttemptOutcome.MISSING_OUTPUT_PHASE,
                      earlier.name(),
                      AttemptOutcome.MISSING_OUTPUT_PATH,
                      output.path())));
        }
      }
    }
    return Optional.empty();
  }

  private AttemptOutcome outputsAndChecks(
      Phase phase,
      Workspace workspace,
      Map<String, String> env,
      PhaseControl control,
      Handled handled) {
    Map<String, String> attributes =
        handled.httpStatus() == null
            ? Map.of()
            : Map.of(AttemptOutcome.HTTP_STATUS, handled.httpStatus());
    List<String> missing = new ArrayList<>();
    for (OutputSpec output : phase.outputs()) {
      Outputs.problem(workspace, output).ifPresent(problem -> missing.add(output.describe()));
    }
    if (!missing.isEmpty()) {
      return new AttemptOutcome(
          FailureType.MISSING_OUTPUT,
          false,
          "missing output",
          "phase %s did not produce: %s".formatted(phase.name(), String.join(", ", missing)),
          handled.exitCode(),
          List.of(),
          handled.log(),
          handled.durationMs(),
          null,
          attributes);
    }
    List<CheckResult> checks = new ArrayList<>();
    for (CheckSpec check : phase.exitCriteria()) {
      if (control.stopped()) {
        return stopped(handled);
      }
      ProcessRun.Result checkResult =
          ProcessRun.run(check.command(), workspace.root(), env, outputLimit, control, sandbox);
      boolean passed = checkResult.exitCode() != null && checkResult.exitCode() == 0;
      checks.add(new CheckResult(check.name(), passed, checkOutput(check, checkResult)));
    }
    if (control.stopped()) {
      return stopped(handled);
    }
    List<String> failed = checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
    if (!failed.isEmpty()) {
      return new AttemptOutcome(
          FailureType.EXIT_CRITERIA_NOT_MET,
          false,
          "exit criteria not met",
          "exit criteria not met: " + String.join(", ", failed),
          handled.exitCode(),
          checks,
          handled.log(),
          handled.durationMs(),
          null,
          attributes);
    }
    return new AttemptOutcome(
        null,
        false,
        null,
        null,
        handled.exitCode(),
        checks,
        handled.log(),
        handled.durationMs(),
        null,
        attributes);
  }

  private AttemptOutcome unauthorizedWrite(
      PhaseRun request,
      Workspace workspace,
      Handled handled,
      WriteChanges changes,
      Map<String, FileFingerprint> before) {
    Phase phase = request.phase();
    WriteGuard.Quarantine quarantine =
        WriteGuard.quarantine(workspace, phase.name(), request.attempt(), changes, before);
    List<String> files = changes.all();
    String listed =
        files.size() <= MOST_LISTED_FILES
            ? String.join(",", files)
            : String.join(",", files.subList(0, MOST_LISTED_FILES))
                + ",... (%d more)".formatted(files.size() - MOST_LISTED_FILES);
    StringBuilder message =
        new StringBuilder(
            "phase %s wrote outside its allowed paths %s: %s"
                .formatted(phase.name(), phase.writePaths().allowed(), changes.describe()));
    message.append("; moved to ").append(quarantine.location());
    if (!quarantine.restored().isEmpty()) {
      message
          .append("; restored from checkpoints: ")
          .append(String.join(", ", quarantine.restored()));
    }
    if (handled.failure() != null) {
      message.append(" (the phase also failed: ").append(handled.failure().message()).append(')');
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    if (handled.failure() != null) {
      attributes.putAll(handled.failure().attributes());
    }
    attributes.put(AttemptOutcome.UNTRUSTED_LOCATION, quarantine.location());
    attributes.put(AttemptOutcome.UNTRUSTED_FILES, listed);
    // HARD: the coordinator pauses it at once for a person to review the quarantined files
    return new AttemptOutcome(
        FailureType.UNAUTHORIZED_WRITE,
        true,
        "unauthorized write",
        message.toString(),
        handled.failure() != null ? handled.failure().exitCode() : handled.exitCode(),
        List.of(),
        handled.log(),
        handled.durationMs(),
        null,
        attributes);
  }

  private static AttemptOutcome stopped(Handled handled) {
    return Handled.failure(
        FailureType.INTERRUPTED,
        false,
        "stopped",
        "the attempt was stopped (cancelled)",
        handled.exitCode(),
        List.of(),
        handled.log(),
        handled.durationMs());
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
}
