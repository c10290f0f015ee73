package dev.redrive.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive start <pipeline>}: starts an execution on the phase-runner and, with {@code
 * --wait}, follows it on the retry-coordinator until it succeeds or pauses.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    header = "Start an execution of a pipeline.",
    description =
        "Starts an execution of a pipeline on the phase-runner. With --wait, shows its progress"
            + " until it succeeds (exit 0) or is paused for a person (exit 3).")
final class StartCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<pipeline>", description = "pipeline name, e.g. demo")
  String pipeline;

  @Option(
      names = "--input",
      paramLabel = "KEY=VALUE",
      description = "a parameter of the execution (repeatable)")
  Map<String, String> inputs = new LinkedHashMap<>();

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "a file given to the execution as an input, under its file name (repeatable)")
  List<Path> files = new ArrayList<>();

  @Option(names = "--wait", description = "follow the execution until it succeeds or pauses")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description = "with --wait: stop waiting after this long, exit 1 (default: 30m)")
  Duration timeout;

  @Option(
      names = "--poll-interval",
      hidden = true,
      defaultValue = "500ms",
      converter = DurationConverter.class)
  Duration pollInterval;

  StartCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pipeline", pipeline);
    body.put("parameters", inputs);
    Map<String, String> inputFiles = inputFiles();
    if (!inputFiles.isEmpty()) {
      body.put("inputFiles", inputFiles);
    }
    RedriveClient.Response response =
        client.postJson(Service.RUNNER, "/api/v1/executions", Json.write(body));
    JsonNode started = Json.parse(response.body());
    String id = Json.text(started, "executionId", null);
    if (id == null) {
      throw new IllegalStateException("the phase-runner answered without an executionId");
    }
    if (!await) {
      if (json()) {
        out().println(response.body());
      } else {
        out().println("Execution started: " + id + " (pipeline " + pipeline + ")");
        out().println();
        out().println("Check status: redrive status " + id);
        out().println("View events: redrive events list " + id);
      }
      return ExitCodes.OK;
    }
    if (!json()) {
      out().println("Execution started: " + id + " (pipeline " + pipeline + ")");
      out()
          .println(
              "Waiting until it succeeds or is paused (Ctrl-C stops waiting, not the run) ...");
      out().flush();
    }
    return follow(client, id);
  }

  private Map<String, String> inputFiles() {
    Map<String, String> encoded = new LinkedHashMap<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new UsageException("--file " + file + ": no such file");
      }
      String name = file.getFileName().toString();
      if (encoded.containsKey(name)) {
        throw new UsageException("--file: two files are named " + name);
      }
      try {
        encoded.put(name, Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
      } catch (IOException e) {
        throw new UsageException("--file " + file + ": " + e.getMessage());
      }
    }
    return encoded;
  }

  /**
   * How long a final status waits for attempts still shown as STARTED. The coordinator learns an
   * execution's end and its attempts' ends from two topics, so the status can be final a moment
   * before the last attempt's outcome arrives.
   */
  private static final Duration SETTLE = Duration.ofSeconds(5);

  /**
   * Polls the coordinator's view of the execution, printing each attempt as it starts and ends and
   * each change of status, until it is SUCCEEDED (0), PAUSED (3) or CANCELLED (1), or the time-out.
   */
  private int follow(RedriveClient client, String id) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, String> outcomes = new HashMap<>();
    Instant settleDeadline = null;
    String lastStatus = null;
    String path = "/api/v1/executions/" + segment(id);
    while (true) {
      JsonNode execution = null;
      String body = null;
      try {
        body = client.get(Service.COORDINATOR, path).body();
        execution = Json.parse(body);
      } catch (ApiException e) {
        // the coordinator knows an execution once its first attempt was reported
        if (e.status() != 404) {
          throw e;
        }
      }
      if (execution != null) {
        String status = Json.text(execution, "status", "UNKNOWN");
        if (!json()) {
          for (JsonNode attempt : execution.path("attempts")) {
            String outcome = Json.text(attempt, "outcome", "?");
            if (!outcome.equals(outcomes.put(Json.text(attempt, "attemptId", "?"), outcome))) {
              printAttempt(attempt, outcome);
            }
          }
          if (!status.equals(lastStatus) && !ExecutionStatuses.SUCCEEDED.equals(status)) {
            out().println("  execution is " + status);
          }
          out().flush();
        }
        lastStatus = status;
        boolean terminal = ExecutionStatuses.WAIT_ENDS.contains(status);
        if (terminal && settleDeadline == null) {
          settleDeadline = Instant.now().plus(SETTLE);
        }
        boolean attemptOpen = false;
        for (JsonNode attempt : execution.path("attempts")) {
          attemptOpen |= "STARTED".equals(Json.text(attempt, "outcome", "?"));
        }
        if (terminal && attemptOpen && Instant.now().isBefore(settleDeadline)) {
          Thread.sleep(pollInterval.toMillis());
          continue;
        }
        switch (status) {
          case ExecutionStatuses.SUCCEEDED -> {
            return finish(body, id + " succeeded.", ExitCodes.OK, id);
          }
          case ExecutionStatuses.PAUSED -> {
            return finish(
                body,
                id
                    + " is paused: a person is needed. Last error: "
                    + Text.oneLine(Json.text(execution.path("lastError")), 200),
                ExitCodes.REFUSED,
                id);
          }
          case ExecutionStatuses.CANCELLED -> {
            return finish(body, id + " was cancelled.", ExitCodes.FAILURE, id);
          }
          default -> {
            // still running or a retry is scheduled
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        err()
            .println(
                "Stopped waiting after "
                    + Text.duration(timeout)
                    + ": "
                    + id
                    + " is "
                    + (lastStatus == null ? "not known to the retry-coordinator yet" : lastStatus)
                    + ". It goes on; follow it with: redrive status "
                    + id);
        return ExitCodes.FAILURE;
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private void printAttempt(JsonNode attempt, String outcome) {
    StringBuilder line = new StringBuilder("  ");
    line.append(Json.text(attempt, "phase", "?"));
    line.append(" attempt ").append(Json.text(attempt, "attemptNumber", "?"));
    line.append(' ').append(outcome);
    String failureType = Json.text(attempt.path("failureType"));
    if (failureType != null) {
      line.append(' ').append(failureType);
    }
    String message = Json.text(attempt.path("errorMessage"));
    if (message != null) {
      line.append(": ").append(Text.oneLine(message, 120));
    }
    out().println(line);
  }

  private int finish(String body, String summary, int exitCode, String id) {
    if (json()) {
      out().println(body);
      return exitCode;
    }
    out().println(summary);
    if (exitCode == ExitCodes.REFUSED) {
      out().println("Retry it: redrive retry " + id);
    }
    out().println("View events: redrive events list " + id);
    return exitCode;
  }
}
