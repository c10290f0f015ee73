package dev.redrive.runner.app;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.BodyTemplate;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Glob;
import dev.redrive.runner.domain.HttpAnswer;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WriteChanges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
public class PhaseExecutor {

  /** Where an http phase's answer body is kept, inside its artifacts folder. */
  public static final String HTTP_RESPONSE_FILE = "http-response.body";

  private static final int MOST_LISTED_FILES = 50;

  private final int outputLimit;
  private final Map<String, String> inheritedEnvironment;
  private final Sandbox sandbox;
  private final HttpCall http;

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
    this.http = new HttpCall(client, outputLimit, httpResponseMaxBytes, clock);
  }

  /**
   * Everything one attempt is given.
   *
   * @param retryEnvironment REDRIVE_CONTEXT_FILE, REDRIVE_PREVIOUS_ERROR, REDRIVE_NOTE when set
   * @param parameters the execution's parameters (a phase sees only the inputs it declares)
   * @param contextJson the context of this attempt as JSON (for an http body), or null
   * @param control lets another thread stop the attempt
   */
  public record Request(
      String executionId,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      int attempt,
      int maxAttempts,
      Map<String, String> retryEnvironment,
      Map<String, String> parameters,
      String contextJson,
      PhaseControl control) {}

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
    return run(
        new Request(
            executionId,
            pipeline,
            phase,
            workspace,
            attempt,
            maxAttempts,
            retryEnvironment,
            Map.of(),
            null,
            new PhaseControl()));
  }

  public AttemptOutcome run(Request request) {
    Phase phase = request.phase();
    Workspace workspace = request.workspace();
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
            ? callWebhook(request, spec)
            : runCommand(phase, phase.command(), workspace, env, request.control());
    WriteChanges changes =
        WriteChanges.between(before, WriteGuard.snapshot(workspace, phase.writePaths()));
    if (!changes.isEmpty()) {
      return unauthorizedWrite(request, handled, changes, before);
    }
    if (request.control().stopped()) {
      return stopped(handled);
    }
    if (handled.failure() != null) {
      return handled.failure();
    }
    return outputsAndChecks(phase, workspace, env, request.control(), handled);
  }

  /** How the handler ended: {@code failure} is null when it did its part (exit 0, a 2xx answer). */
  private record Handled(
      AttemptOutcome failure, String log, long durationMs, Integer exitCode, String httpStatus) {

    static Handled failed(AttemptOutcome failure) {
      return new Handled(failure, failure.logExcerpt(), failure.durationMs(), null, null);
    }
  }

  private Optional<AttemptOutcome> missingEarlierOutput(
      Pipeline pipeline, Phase phase, Workspace workspace) {
    for (Phase earlier : pipeline.before(phase.name())) {
      for (OutputSpec output : earlier.outputs()) {
        Optional<String> problem = outputProblem(workspace, output);
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

  private Handled runCommand(
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
          failure(
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
          failure(
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
          failure(
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

  private Handled callWebhook(Request request, HttpSpec spec) {
    Phase phase = request.phase();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("execution.id", request.executionId());
    values.put("pipeline", request.pipeline().name());
    values.put("phase", phase.name());
    values.put("attempt", Integer.toString(request.attempt()));
    values.put("maxAttempts", Integer.toString(request.maxAttempts()));
    for (String input : phase.inputs()) {
      values.put("input." + input, request.parameters().getOrDefault(input, ""));
    }
    String template = spec.body() != null ? spec.body() : BodyTemplate.defaultFor(phase);
    String body = BodyTemplate.render(template, values, request.contextJson());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Redrive-Execution-Id", request.executionId());
    headers.put("Redrive-Phase", phase.name());
    headers.put("Redrive-Attempt", Integer.toString(request.attempt()));
    headers.put("Redrive-Max-Attempts", Integer.toString(request.maxAttempts()));
    Path responseFile =
        request.workspace().resolve(phase.artifactsDir()).resolve(HTTP_RESPONSE_FILE);
    HttpCall.Result result = http.call(spec, body, headers, responseFile, request.control());
    String target = spec.method() + " " + spec.url();
    if (result.stopped()) {
      return new Handled(null, result.excerpt(), result.durationMs(), null, null);
    }
    if (result.timedOut()) {
      return Handled.failed(
          failure(
              FailureType.TIMEOUT,
              false,
              "timeout",
              "%s got no answer within %s".formatted(target, spec.timeout()),
              null,
              List.of(),
              "",
              result.durationMs()));
    }
    if (result.error() != null) {
      return Handled.failed(
          failure(
              FailureType.INFRASTRUCTURE,
              false,
              "could not call",
              "could not call %s: %s".formatted(target, result.error()),
              null,
              List.of(),
              "",
              result.durationMs()));
    }
    int status = result.status();
    if (result.refusal() != null) {
      return Handled.failed(
          new AttemptOutcome(
              FailureType.COMMAND_FAILED,
              true,
              result.refusal().errorType(),
              result.refusal().message(),
              null,
              List.of(),
              result.excerpt(),
              result.durationMs(),
              null,
              Map.of(AttemptOutcome.HTTP_STATUS, Integer.toString(status))));
    }
    HttpAnswer.Verdict verdict = HttpAnswer.verdict(status);
    if (verdict == HttpAnswer.Verdict.SUCCESS) {
      return new Handled(
          null, result.excerpt(), result.durationMs(), null, Integer.toString(status));
    }
    boolean hard = verdict == HttpAnswer.Verdict.HARD_FAILURE;
    AttemptOutcome failed =
        new AttemptOutcome(
            FailureType.COMMAND_FAILED,
            hard,
            "HTTP " + status,
            "%s answered HTTP %d (%s)"
                .formatted(target, status, hard ? "the request is wrong" : "try again later"),
            null,
            List.of(),
            result.excerpt(),
            result.durationMs(),
            hard ? null : result.retryAfterMs(),
            Map.of(AttemptOutcome.HTTP_STATUS, Integer.toString(status)));
    return Handled.failed(failed);
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
      outputProblem(workspace, output).ifPresent(problem -> missing.add(output.describe()));
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

  /**
   * Why an output does not satisfy its spec ("not found: path", "too small: ..."), or empty when it
   * does.
   */
  static Optional<String> outputProblem(Workspace workspace, OutputSpec output) {
    if (!output.isGlob()) {
      Path path = workspace.resolve(output.path());
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of("not found: " + output.path());
      }
      long size = sizeOf(workspace, path);
      if (size < output.minSizeBytes()) {
        return Optional.of(
            "too small: %s has %d bytes, at least %d expected"
                .formatted(output.path(), size, output.minSizeBytes()));
      }
      return Optional.empty();
    }
    Path start = workspace.resolve(Glob.staticPrefix(output.path()));
    Map<String, Path> matches = new LinkedHashMap<>();
    FileTree.files(workspace.root(), start, Workspace::isRunnerArea)
        .forEach(
            (relative, file) -> {
              if (Glob.matches(output.path(), relative)) {
                matches.put(relative, file);
              }
            });
    if (matches.isEmpty()) {
      return Optional.of("not found: nothing matches " + output.path());
    }
    for (Map.Entry<String, Path> match : matches.entrySet()) {
      long size = sizeOf(workspace, match.getValue());
      if (size < output.minSizeBytes()) {
        return Optional.of(
            "too small: %s (matching %s) has %d bytes, at least %d expected"
                .formatted(match.getKey(), output.path(), size, output.minSizeBytes()));
      }
    }
    return Optional.empty();
  }

  private static long sizeOf(Workspace workspace, Path path) {
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        long total = 0;
        for (Path file : FileTree.files(workspace.root(), path, f -> false).values()) {
          total += Files.size(file);
        }
        return total;
      }
      return Files.isSymbolicLink(path) ? 0 : Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the size of " + path, e);
    }
  }

  private AttemptOutcome unauthorizedWrite(
      Request request, Handled handled, WriteChanges changes, Map<String, FileFingerprint> before) {
    Phase phase = request.phase();
    WriteGuard.Quarantine quarantine =
        WriteGuard.quarantine(
            request.workspace(), phase.name(), request.attempt(), changes, before);
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
    return new AttemptOutcome(
        FailureType.UNAUTHORIZED_WRITE,
        false,
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
    return failure(
        FailureType.INTERRUPTED,
        false,
        "stopped",
        "the attempt was stopped (cancelled)",
        handled.exitCode(),
        List.of(),
        handled.log(),
        handled.durationMs());
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
