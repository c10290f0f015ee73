package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RetryCommandTest extends AgainstFakeServices {

  private static final String STATUS = "GET /api/v1/executions/exec_abc123/status";
  private static final String RETRY = "POST /api/v1/executions/exec_abc123/retry";

  @Test
  void shouldRetryInPlaceAndSayWhereToLookNext() {
    // given
    coordinator
        .json(STATUS, 200, Contract.PAUSED_STATUS)
        .json(RETRY, 202, Contract.RETRIED_IN_PLACE);

    // when
    Cli.Result result = cli.env("REDRIVE_API_TOKEN", "t0ken").run("retry", "exec_abc123");

    // then
    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Retry started: exec_abc123 from phase build",
            "Previous error: COMMAND_FAILED: error: cannot find module 'data'",
            "",
            "Monitor progress: redrive status exec_abc123");
    FakeService.Request request =
        coordinator.onlyRequest("POST", "/api/v1/executions/exec_abc123/retry");
    assertThat(request.headers())
        .containsEntry("authorization", "Bearer t0ken")
        .containsEntry("content-type", "application/json");
    JsonNode body = Json.parse(request.body());
    assertThat(body.path("mode").asString()).isEqualTo("RETRY_IN_PLACE");
    assertThat(body.path("force").asBoolean()).isFalse();
    assertThat(body.path("resetCount").asBoolean()).isFalse();
    assertThat(body.path("dryRun").asBoolean()).isFalse();
    assertThat(body.path("fromPhase").isNull()).isTrue();
    assertThat(body.path("requestedBy").asString()).isEqualTo("alice");
    assertThat(body.path("requestId").asString()).hasSize(36);
  }

  @Test
  void shouldSendEveryFlagInTheRequest() {
    coordinator
        .json(STATUS, 200, Contract.RUNNING_STATUS)
        .json(
            RETRY,
            202,
            Contract.RETRIED_IN_PLACE
                .replace("\"forced\": false", "\"forced\": true")
                .replace("\"countReset\": false", "\"countReset\": true"));

    Cli.Result result =
        cli.run(
            "retry",
            "exec_abc123",
            "--force",
            "--reset-count",
            "--from",
            "build",
            "--note",
            "fixed the data file",
            "--requested-by",
            "bob");

    assertThat(result.exitCode()).isZero();
    JsonNode body =
        Json.parse(coordinator.onlyRequest("POST", "/api/v1/executions/exec_abc123/retry").body());
    assertThat(body.path("force").asBoolean()).isTrue();
    assertThat(body.path("resetCount").asBoolean()).isTrue();
    assertThat(body.path("fromPhase").asString()).isEqualTo("build");
    assertThat(body.path("note").asString()).isEqualTo("fixed the data file");
    assertThat(body.path("requestedBy").asString()).isEqualTo("bob");
    assertThat(result.outLines())
        .contains(
            "Retry started: exec_abc123 from phase build",
            "Forced: the execution was RUNNING.",
            "Attempt count reset: phase build starts again at 1.");
  }

  @Test
  void shouldResubmitAsNewWithTheReferenceWording() {
    coordinator.json(RETRY, 202, Contract.RESUBMITTED);

    Cli.Result result = cli.run("retry", "exec_abc123", "--new");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Retry started: exec_xyz789",
            "Original: exec_abc123",
            "Status: queued",
            "",
            "Check status: redrive status exec_xyz789",
            "View events: redrive events list exec_xyz789");
    JsonNode body =
        Json.parse(coordinator.onlyRequest("POST", "/api/v1/executions/exec_abc123/retry").body());
    assertThat(body.path("mode").asString()).isEqualTo("RESUBMIT_AS_NEW");
  }

  @Test
  void shouldExplainARefusalWithTheCurrentStatusAndExitThree() {
    coordinator.json(STATUS, 200, Contract.RUNNING_STATUS).json(RETRY, 409, Contract.REFUSED);

    Cli.Result result = cli.run("retry", "exec_abc123");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(result.errLines())
        .containsExactly(
            "Cannot retry - process is not in failed status.",
            "",
            "Current status: RUNNING",
            "",
            "Retry is only available for failed processes.",
            "Use redrive status exec_abc123 for more details.");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void shouldSayWhatWorksInsteadWhenNotEvenForceCanRetry() {
    coordinator.json(STATUS, 200, Contract.RUNNING_STATUS).json(RETRY, 409, Contract.NOT_RUNNABLE);

    Cli.Result result = cli.run("retry", "exec_abc123", "--force");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(result.errLines())
        .containsExactly(
            "Cannot retry in place - the execution was cancelled. Resume it from a phase instead"
                + " (fromPhase with force; in the CLI --from PHASE --force) or resubmit it as new"
                + " (--new).",
            "",
            "Current status: CANCELLED",
            "Use redrive status exec_abc123 for more details.");
  }

  @Test
  void shouldPrintTheProblemAsJsonOnARefusalWithJson() {
    coordinator.json(RETRY, 409, Contract.REFUSED);

    Cli.Result result = cli.run("retry", "exec_abc123", "--json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(Json.parse(result.out()).path("currentStatus").asString()).isEqualTo("RUNNING");
  }

  @Test
  void shouldShowWhatADryRunWouldDo() {
    coordinator.json(RETRY, 200, Contract.DRY_RUN);

    Cli.Result result = cli.run("retry", "exec_abc123", "--dry-run", "--reset-count");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Dry run: nothing was changed.",
            "Execution: exec_abc123",
            "Phases that would run: build, deploy",
            "Attempt count would be reset: yes",
            "",
            "Run it: redrive retry exec_abc123 --reset-count");
    assertThat(coordinator.requests()).hasSize(1);
    assertThat(Json.parse(coordinator.requests().get(0).body()).path("dryRun").asBoolean())
        .isTrue();
  }

  @Test
  void shouldPrintTheServersJsonWithJson() {
    coordinator.json(RETRY, 202, Contract.RETRIED_IN_PLACE);

    Cli.Result result = cli.run("retry", "exec_abc123", "--json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().strip()).isEqualTo(Contract.RETRIED_IN_PLACE.strip());
    // --json asks nothing but the retry itself
    assertThat(coordinator.requests()).hasSize(1);
  }

  @Test
  void shouldNameTheValidPhasesForAnUnknownOneAndExitOne() {
    coordinator.json(STATUS, 200, Contract.PAUSED_STATUS).json(RETRY, 400, Contract.UNKNOWN_PHASE);

    Cli.Result result = cli.run("retry", "exec_abc123", "--from", "biuld");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("valid phases: prepare, build, deploy");
  }

  @Test
  void shouldSayHowToGiveATokenWhenUnauthorized() {
    coordinator.json(STATUS, 200, Contract.PAUSED_STATUS).json(RETRY, 401, Contract.UNAUTHORIZED);

    Cli.Result result = cli.run("retry", "exec_abc123");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("set --token, REDRIVE_COORDINATOR_TOKEN, REDRIVE_API_TOKEN");
  }

  @Test
  void shouldExitFourForAnUnknownExecution() {
    coordinator.json("GET /api/v1/executions/exec_nope/status", 404, Contract.EXECUTION_NOT_FOUND);

    Cli.Result result = cli.run("retry", "exec_nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("Not found: No execution 'exec_nope'");
  }

  @Test
  void shouldExitFiveWhenTheCoordinatorIsNotRunning() {
    String address = coordinator.url();
    coordinator.close();

    Cli.Result result = cli.run("retry", "exec_abc123");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err())
        .contains("Cannot reach the retry-coordinator at " + address + " (connection refused)")
        .contains("--coordinator-url, REDRIVE_COORDINATOR_URL");
  }

  @Test
  void shouldRetryEveryMatchingPausedExecutionWithAll() {
    coordinator.json(
        "POST /api/v1/retries",
        202,
        "{\"matched\": 2, \"executionIds\": [\"exec_a\", \"exec_b\"], \"requestIds\": [\"r1\", \"r2\"]}");

    Cli.Result result =
        cli.run(
            "retry",
            "--all",
            "--pipeline",
            "demo",
            "--phase",
            "build",
            "--failure-type",
            "TIMEOUT",
            "--since",
            "2026-11-23T00:00:00Z",
            "--limit",
            "10",
            "--stagger",
            "2s",
            "--note",
            "network is back");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Retry started for 2 paused executions:",
            "  exec_a",
            "  exec_b",
            "",
            "Check status: redrive status <id>");
    JsonNode body = Json.parse(coordinator.onlyRequest("POST", "/api/v1/retries").body());
    assertThat(body.path("pipeline").asString()).isEqualTo("demo");
    assertThat(body.path("phase").asString()).isEqualTo("build");
    assertThat(body.path("failureType").asString()).isEqualTo("TIMEOUT");
    assertThat(body.path("from").asString()).isEqualTo("2026-11-23T00:00:00Z");
    assertThat(body.path("to").isNull()).isTrue();
    assertThat(body.path("limit").asInt()).isEqualTo(10);
    assertThat(body.path("stagger").asString()).isEqualTo("PT2S");
    assertThat(body.path("note").asString()).isEqualTo("network is back");
    assertThat(body.path("dryRun").asBoolean()).isFalse();
  }

  @Test
  void shouldSayWhenNoPausedExecutionMatches() {
    coordinator.json(
        "POST /api/v1/retries", 200, "{\"matched\": 0, \"executionIds\": [], \"requestIds\": []}");

    Cli.Result result = cli.run("retry", "--all", "--dry-run");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("No paused execution matches." + System.lineSeparator());
  }

  @Test
  void shouldRefuseToMixAnIdWithBulkOptions() {
    assertThat(cli.run("retry", "exec_1", "--all").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("retry", "--all", "--from", "build").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("retry", "exec_1", "--pipeline", "demo").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("retry").exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result badInstant = cli.run("retry", "--all", "--since", "yesterday");
    assertThat(badInstant.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badInstant.err()).contains("--since 'yesterday' is neither an instant");
    assertThat(coordinator.requests()).isEmpty();
  }
}
