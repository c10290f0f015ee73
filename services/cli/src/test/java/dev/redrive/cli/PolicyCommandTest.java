package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PolicyCommandTest extends AgainstFakeServices {

  private static final String CURRENT =
      """
      {"version": 7, "policy": {"defaults": {"maxAttempts": 3, "initialInterval": "1s",
        "multiplier": 2.0, "maxInterval": "5m", "jitter": "FULL"},
        "budget": {"ratio": 0.2, "window": "1m", "minRetries": 10}, "sources": {},
        "pipelines": {}}, "origin": "api", "changedBy": "bob", "reason": "flaky runner",
       "summary": "defaults.maxAttempts 2 -> 3", "changedAt": "2026-12-06T10:00:00Z"}""";

  @Test
  void shouldShowThePoliciesInForceWithWhoAndWhy() {
    coordinator.json("GET /api/v1/policies", 200, CURRENT);

    Cli.Result result = cli.run("policy", "show");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines().get(0))
        .isEqualTo("Retry policies version 7 (api, by bob at 2026-12-06T10:00:00Z): flaky runner");
    assertThat(result.out()).contains("\"maxAttempts\" : 3");
  }

  @Test
  void shouldSetAYamlFileWithItsReasonAndTheExpectedVersion() throws Exception {
    Path file = home.resolve("policies.yaml");
    Files.writeString(
        file,
        """
        defaults: {maxAttempts: 3, initialInterval: 1s, multiplier: 2.0, maxInterval: 5m, jitter: FULL}
        budget: {ratio: 0.2, window: 1m, minRetries: 10}
        pipelines:
          demo:
            phases:
              build: {maxAttempts: 6}
        """);
    coordinator.json(
        "PUT /api/v1/policies",
        200,
        """
        {"changed": true, "version": 8,
         "summary": "pipelines.demo.phases.build.maxAttempts (none) -> 6"}""");

    Cli.Result result =
        cli.run(
            "policy",
            "set",
            "--file",
            file.toString(),
            "--expect-version",
            "7",
            "--reason",
            "build is flaky");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Retry policies version 8 in force: pipelines.demo.phases.build.maxAttempts (none) -> 6");
    JsonNode body = Json.parse(coordinator.onlyRequest("PUT", "/api/v1/policies").body());
    assertThat(body.at("/policy/pipelines/demo/phases/build/maxAttempts").asInt()).isEqualTo(6);
    assertThat(body.at("/policy/defaults/initialInterval").asString()).isEqualTo("1s");
    assertThat(body.path("reason").asString()).isEqualTo("build is flaky");
    assertThat(body.path("requestedBy").asString()).isEqualTo("alice");
    assertThat(body.path("expectedVersion").asLong()).isEqualTo(7);
  }

  @Test
  void shouldTakeWhatShowPrintedWithItsVersionAsTheExpectedOne() throws Exception {
    Path file = home.resolve("policies.json");
    Files.writeString(file, CURRENT);
    coordinator.json(
        "PUT /api/v1/policies",
        409,
        """
        {"title": "Policy conflict", "status": 409, "field": "expectedVersion",
         "detail": "expectedVersion is 7 but version 8 is in force"}""");

    Cli.Result result = cli.run("policy", "set", "--file", file.toString(), "--reason", "r");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(result.err()).contains("version 8 is in force");
    JsonNode body = Json.parse(coordinator.onlyRequest("PUT", "/api/v1/policies").body());
    assertThat(body.path("expectedVersion").asLong()).isEqualTo(7);
    assertThat(body.at("/policy/defaults/maxAttempts").asInt()).isEqualTo(3);
  }

  @Test
  void shouldListTheHistoryNewestFirst() {
    coordinator.json(
        "GET /api/v1/policies/versions?limit=2",
        200,
        """
        {"versions": [
          {"version": 8, "origin": "api", "changedBy": "alice", "reason": "flaky",
           "summary": "pipelines.demo.phases.build.maxAttempts (none) -> 6",
           "changedAt": "2026-12-06T11:00:00Z"},
          {"version": 7, "origin": "configuration", "changedBy": null,
           "reason": "the configuration's policies changed since version 1",
           "summary": "defaults.maxAttempts 2 -> 3", "changedAt": "2026-12-06T10:00:00Z"}],
         "next": 7}""");

    Cli.Result result = cli.run("policy", "history", "--limit", "2");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines().get(0)).startsWith("VERSION  ORIGIN         BY     AT");
    assertThat(result.outLines().get(1))
        .startsWith("8        api            alice  2026-12-06T11:00:00Z  flaky");
    assertThat(result.outLines().get(2)).startsWith("7        configuration  -");
    assertThat(result.outLines()).contains("Older: redrive policy history --before 7");
  }

  @Test
  void shouldOverrideAndClearOneExecutionsPolicy() {
    coordinator.json(
        "PUT /api/v1/executions/exec-42/policy",
        200,
        """
        {"changed": true, "version": 1,
         "summary": "initialInterval (none) -> 30s; maxAttempts (none) -> 5"}""");
    coordinator.json(
        "DELETE /api/v1/executions/exec-42/policy",
        200,
        """
        {"changed": true, "version": 2,
         "summary": "initialInterval 30s -> (none); maxAttempts 5 -> (none)"}""");

    Cli.Result set =
        cli.run(
            "policy",
            "override",
            "exec-42",
            "--max-attempts",
            "5",
            "--initial-interval",
            "30s",
            "--reason",
            "vendor outage");
    Cli.Result clear = cli.run("policy", "clear", "exec-42", "--reason", "vendor is back");

    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.outLines())
        .containsExactly(
            "Override of exec-42, version 1 in force: initialInterval (none) -> 30s;"
                + " maxAttempts (none) -> 5");
    JsonNode body =
        Json.parse(coordinator.onlyRequest("PUT", "/api/v1/executions/exec-42/policy").body());
    assertThat(body.at("/override/maxAttempts").asInt()).isEqualTo(5);
    assertThat(body.at("/override/initialInterval").asString()).isEqualTo("PT30S");
    assertThat(body.path("reason").asString()).isEqualTo("vendor outage");
    assertThat(clear.outLines())
        .containsExactly(
            "Override of exec-42 cleared (change 2): initialInterval 30s -> (none);"
                + " maxAttempts 5 -> (none)");
    JsonNode cleared =
        Json.parse(coordinator.onlyRequest("DELETE", "/api/v1/executions/exec-42/policy").body());
    assertThat(cleared.path("reason").asString()).isEqualTo("vendor is back");
  }

  @Test
  void shouldRefuseAnOverrideWithoutFieldsOrReasonAndABadFile() throws Exception {
    Cli.Result noFields = cli.run("policy", "override", "exec-42", "--reason", "x");
    Cli.Result noReason = cli.run("policy", "override", "exec-42", "--max-attempts", "3");
    Cli.Result badId = cli.run("policy", "clear", "../etc", "--reason", "x");
    Path broken = home.resolve("broken.yaml");
    Files.writeString(broken, "defaults: [unclosed");
    Cli.Result badFile = cli.run("policy", "set", "--file", broken.toString(), "--reason", "x");

    assertThat(noFields.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noFields.err()).contains("--max-attempts");
    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("--reason");
    assertThat(badId.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badFile.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badFile.err()).contains("neither JSON nor valid YAML");
    assertThat(coordinator.requests()).isEmpty();
  }

  @Test
  void helpShowsTheVerbs() {
    Cli.Result help = cli.run("policy", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("show", "history", "set", "override", "clear", "versioned");
    assertThat(cli.run("--help").out()).contains("policy");
  }
}
