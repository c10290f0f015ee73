package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StartCommandTest extends AgainstFakeServices {

  private static final String START = "POST /api/v1/executions";
  private static final String EXECUTION = "GET /api/v1/executions/exec_new1";

  @Test
  void shouldStartWithInputsAndFiles() throws IOException {
    runner.json(START, 201, Contract.STARTED);
    Path file = Files.writeString(home.resolve("data.txt"), "source data\n");

    Cli.Result result =
        cli.run(
            "start",
            "demo",
            "--input",
            "who=alice",
            "--input",
            "mode=fast",
            "--file",
            file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Execution started: exec_new1 (pipeline demo)",
            "",
            "Check status: redrive status exec_new1",
            "View events: redrive events list exec_new1");
    JsonNode body = Json.parse(runner.onlyRequest("POST", "/api/v1/executions").body());
    assertThat(body.path("pipeline").asString()).isEqualTo("demo");
    assertThat(body.path("parameters").path("who").asString()).isEqualTo("alice");
    assertThat(body.path("parameters").path("mode").asString()).isEqualTo("fast");
    assertThat(
            new String(
                Base64.getDecoder().decode(body.path("inputFiles").path("data.txt").asString()),
                StandardCharsets.UTF_8))
        .isEqualTo("source data\n");
  }

  @Test
  void shouldPrintTheRunnersAnswerWithJson() {
    runner.json(START, 201, Contract.STARTED);

    Cli.Result result = cli.run("start", "demo", "--json");

    assertThat(result.out().strip()).isEqualTo(Contract.STARTED.strip());
    assertThat(Json.parse(runner.requests().get(0).body()).has("inputFiles")).isFalse();
  }

  @Test
  void shouldNameTheKnownPipelinesForAnUnknownOne() {
    runner.json(START, 400, Contract.UNKNOWN_PIPELINE);

    Cli.Result result = cli.run("start", "dmeo");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("known pipelines: always-fails, demo");
  }

  @Test
  void shouldShowProgressUntilTheExecutionSucceeds() {
    // given the coordinator first does not know the execution, then sees it fail once and succeed
    runner.json(START, 201, Contract.STARTED);
    coordinator.json(EXECUTION, 404, Contract.EXECUTION_NOT_FOUND);
    coordinator.json(
        EXECUTION,
        200,
        execution("RUNNING", attempt("a1", "build", 1, "STARTED", null)),
        execution("RETRY_SCHEDULED", attempt("a1", "build", 1, "FAILED", "COMMAND_FAILED")),
        execution(
            "SUCCEEDED",
            attempt("a1", "build", 1, "FAILED", "COMMAND_FAILED"),
            attempt("a2", "build", 2, "SUCCEEDED", null)));

    // when
    Cli.Result result = cli.run("start", "demo", "--wait", "--poll-interval", "1ms");

    // then
    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Execution started: exec_new1 (pipeline demo)",
            "Waiting until it succeeds or is paused (Ctrl-C stops waiting, not the run) ...",
            "  build attempt 1 STARTED",
            "  execution is RUNNING",
            "  build attempt 1 FAILED COMMAND_FAILED: boom",
            "  execution is RETRY_SCHEDULED",
            "  build attempt 2 SUCCEEDED",
            "exec_new1 succeeded.",
            "View events: redrive events list exec_new1");
  }

  @Test
  void shouldWaitForTheLastAttemptsOutcomeWhenTheEndArrivesFirst() {
    // given the coordinator learns the execution's end before its last attempt's outcome
    // (two topics), as it did in CI
    runner.json(START, 201, Contract.STARTED);
    coordinator.json(
        EXECUTION,
        200,
        execution("SUCCEEDED", attempt("a2", "build", 2, "STARTED", null)),
        execution("SUCCEEDED", attempt("a2", "build", 2, "SUCCEEDED", null)));

    // when
    Cli.Result result = cli.run("start", "demo", "--wait", "--poll-interval", "1ms");

    // then the attempt's outcome is shown before the end
    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsSubsequence(
            "  build attempt 2 STARTED", "  build attempt 2 SUCCEEDED", "exec_new1 succeeded.");
  }

  @Test
  void shouldExitThreeWhenTheExecutionIsPaused() {
    runner.json(START, 201, Contract.STARTED);
    coordinator.json(
        EXECUTION, 200, execution("PAUSED", attempt("a1", "flaky", 1, "FAILED", "COMMAND_FAILED")));

    Cli.Result result = cli.run("start", "always-fails", "--wait", "--poll-interval", "1ms");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(result.outLines())
        .contains(
            "exec_new1 is paused: a person is needed. Last error: boom",
            "Retry it: redrive retry exec_new1");
  }

  @Test
  void shouldPrintOnlyTheFinalExecutionWithWaitAndJson() {
    runner.json(START, 201, Contract.STARTED);
    String done = execution("SUCCEEDED", attempt("a1", "build", 1, "SUCCEEDED", null));
    coordinator.json(EXECUTION, 200, done);

    Cli.Result result = cli.run("start", "demo", "--wait", "--json", "--poll-interval", "1ms");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().strip()).isEqualTo(done);
  }

  @Test
  void shouldGiveUpWaitingAfterTheTimeout() {
    runner.json(START, 201, Contract.STARTED);
    coordinator.json(EXECUTION, 200, execution("RUNNING"));

    Cli.Result result =
        cli.run("start", "demo", "--wait", "--timeout", "0s", "--poll-interval", "1ms");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err())
        .contains("Stopped waiting after 0s: exec_new1 is RUNNING")
        .contains("redrive status exec_new1");
  }

  @Test
  void shouldExitFiveWhenTheRunnerIsNotRunning() {
    runner.close();

    Cli.Result result = cli.run("start", "demo");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err()).contains("Cannot reach the phase-runner");
  }

  private static String execution(String status, String... attempts) {
    return "{\"executionId\": \"exec_new1\", \"status\": \"%s\", \"lastError\": \"boom\", \"attempts\": [%s]}"
        .formatted(status, String.join(", ", attempts));
  }

  private static String attempt(
      String id, String phase, int number, String outcome, String failureType) {
    return ("{\"attemptId\": \"%s\", \"phase\": \"%s\", \"attemptNumber\": %d, \"outcome\": \"%s\","
            + " \"failureType\": %s, \"errorMessage\": %s}")
        .formatted(
            id,
            phase,
            number,
            outcome,
            failureType == null ? "null" : "\"" + failureType + "\"",
            failureType == null ? "null" : "\"boom\"");
  }
}
