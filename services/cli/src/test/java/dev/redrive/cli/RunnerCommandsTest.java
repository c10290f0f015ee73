package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code redrive cancel}, {@code resume} and {@code pipelines}, and the completion script. */
class RunnerCommandsTest extends AgainstFakeServices {

  @Test
  void shouldCancelNamingWhoAndWhy() {
    runner.json(
        "POST /api/v1/executions/exec_1/cancel",
        202,
        """
        {"requestId": "r1", "executionId": "exec_1", "status": "CANCELLED"}""");

    Cli.Result result = cli.run("cancel", "exec_1", "--reason", "wrong input");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .containsExactly("Cancel requested: exec_1", "", "Check status: redrive status exec_1");
    JsonNode body =
        Json.parse(runner.onlyRequest("POST", "/api/v1/executions/exec_1/cancel").body());
    assertThat(body.path("reason").asString()).isEqualTo("wrong input");
    assertThat(body.path("requestedBy").asString()).isEqualTo("alice");
    assertThat(body.path("requestId").asString()).isNotBlank();
  }

  @Test
  void shouldResumeFromAPhaseAndShowWhatWasCleared() {
    runner.json(
        "POST /api/v1/executions/exec_1/resume",
        202,
        """
        {"requestId": "r1", "executionId": "exec_1", "phase": "build", "attemptNumber": 3,
         "clearedPhases": ["build", "test"], "archive": "artifacts/_rollback/1/",
         "status": "queued", "message": "Resumed exec_1 from phase build"}""");

    Cli.Result result =
        cli.run("resume", "exec_1", "--from", "build", "--note", "fixed", "--requested-by", "bob");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Resumed exec_1 from phase build",
            "Cleared phases: build, test",
            "Their files were archived in: artifacts/_rollback/1/",
            "",
            "Check status: redrive status exec_1");
    JsonNode body =
        Json.parse(runner.onlyRequest("POST", "/api/v1/executions/exec_1/resume").body());
    assertThat(body.path("fromPhase").asString()).isEqualTo("build");
    assertThat(body.path("note").asString()).isEqualTo("fixed");
    assertThat(body.path("requestedBy").asString()).isEqualTo("bob");
  }

  @Test
  void shouldExplainARefusedResume() {
    runner.json(
        "POST /api/v1/executions/exec_1/resume",
        409,
        """
        {"title": "Conflict", "status": 409,
         "detail": "phase build of exec_1 is running; cancel it or wait"}""");

    Cli.Result result = cli.run("resume", "exec_1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(result.err()).contains("Refused: ").contains("is running");
  }

  @Test
  void shouldListPipelinesAsATableOrJsonLines() {
    String pipelines =
        """
        [{"name": "demo", "file": "classpath:pipelines/demo.yaml",
          "phases": ["prepare", "build"]},
         {"name": "etl", "file": "/etc/redrive/pipelines/etl.yaml", "phases": ["load"]}]""";
    runner.json("GET /api/v1/pipelines", 200, pipelines);

    assertThat(cli.run("pipelines").outLines())
        .containsExactly(
            "PIPELINE  PHASES            FILE",
            "demo      prepare -> build  classpath:pipelines/demo.yaml",
            "etl       load              /etc/redrive/pipelines/etl.yaml");
    assertThat(cli.run("pipelines", "-o", "jsonl").outLines())
        .hasSize(2)
        .allSatisfy(line -> assertThat(Json.parse(line).has("phases")).isTrue());
    assertThat(Json.parse(cli.run("pipelines", "-o", "JSON").out()).size()).isEqualTo(2);
  }

  @Test
  void shouldPrintACompletionScriptThatKnowsEveryCommand() {
    Cli.Result result = cli.run("completion");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("complete -F _complete_redrive")
        .contains("list", "cancel", "resume", "pipelines", "--failure-type");
  }

  @Test
  void shouldRefuseAnUnknownOutputFormat() {
    Cli.Result result = cli.run("pipelines", "-o", "yaml");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("yaml").contains("TABLE, JSON, JSONL");
  }
}
