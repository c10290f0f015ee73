package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PauseCommandTest extends AgainstFakeServices {

  @Test
  void shouldPauseAPhaseOfAPipelineWithWhoAndWhy() {
    coordinator.json(
        "POST /api/v1/pauses",
        201,
        """
        {"scope": {"kind": "PHASE", "pipeline": "demo", "phase": "build", "executionId": null},
         "description": "retries of phase build of pipeline demo", "reason": "mirror down",
         "requestedBy": "alice", "since": "2026-12-06T10:00:00Z", "heldCommands": 2,
         "message": "Paused retries of phase build of pipeline demo"}""");

    Cli.Result result =
        cli.run("pause", "--pipeline", "demo", "--phase", "build", "--reason", "mirror down");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Paused retries of phase build of pipeline demo",
            "Held now: 2 commands",
            "",
            "End it: redrive unpause --pipeline demo --phase build [--stagger 1s]");
    JsonNode body = Json.parse(coordinator.onlyRequest("POST", "/api/v1/pauses").body());
    assertThat(body.path("pipeline").asString()).isEqualTo("demo");
    assertThat(body.path("phase").asString()).isEqualTo("build");
    assertThat(body.path("reason").asString()).isEqualTo("mirror down");
    assertThat(body.path("requestedBy").asString()).isEqualTo("alice");
    assertThat(body.path("all").isNull()).isTrue();
  }

  @Test
  void shouldRefuseAPauseWithoutAScopeOrAReason() {
    assertThat(cli.run("pause", "--reason", "x").exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result noReason = cli.run("pause", "--all");
    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("--reason");
    assertThat(coordinator.requests()).isEmpty();
  }

  @Test
  void shouldListThePausesInForce() {
    coordinator.json(
        "GET /api/v1/pauses",
        200,
        """
        [{"scope": {"kind": "ALL"}, "description": "every retry", "reason": "incident 42",
          "requestedBy": "bob", "since": "2026-12-06T10:00:00Z", "heldCommands": 7}]""");

    assertThat(cli.run("pause", "--list").outLines())
        .containsExactly(
            "PAUSED       HELD  SINCE                 BY   REASON",
            "every retry  7     2026-12-06T10:00:00Z  bob  incident 42");
  }

  @Test
  void shouldUnpauseWithAStagger() {
    coordinator.json(
        "POST /api/v1/pauses/release",
        200,
        """
        {"scope": {"kind": "ALL"}, "releasedCommands": 7, "stagger": "PT2S",
         "message": "Unpaused every retry: 7 held commands are sent in order, 2000 ms apart"}""");

    Cli.Result result = cli.run("unpause", "--all", "--stagger", "2s", "--note", "fixed");

    assertThat(result.outLines())
        .containsExactly("Unpaused every retry: 7 held commands are sent in order, 2000 ms apart");
    JsonNode body = Json.parse(coordinator.onlyRequest("POST", "/api/v1/pauses/release").body());
    assertThat(body.path("all").asBoolean()).isTrue();
    assertThat(body.path("stagger").asString()).isEqualTo("PT2S");
    assertThat(body.path("note").asString()).isEqualTo("fixed");
  }

  @Test
  void shouldSayWhenNothingWasPaused() {
    coordinator.json(
        "POST /api/v1/pauses/release",
        404,
        """
        {"title": "Not paused", "status": 404,
         "detail": "Retries of pipeline demo are not paused; GET /api/v1/pauses lists the pauses in force"}""");

    Cli.Result result = cli.run("unpause", "--pipeline", "demo");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("are not paused");
  }
}
