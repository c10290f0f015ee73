package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ListCommandTest extends AgainstFakeServices {

  private static final String FIRST_PAGE = "GET /api/v1/executions?status=paused&limit=2";
  private static final String SECOND_PAGE = "GET /api/v1/executions?status=paused&limit=1&after=c2";

  @Test
  void shouldPrintATableAndSayWhenMoreMatch() {
    coordinator.json(FIRST_PAGE, 200, page("c2", "exec_b", "exec_a"));

    Cli.Result result = cli.run("list", "--status", "paused", "--limit", "2");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines().get(0)).startsWith("EXECUTION").contains("LAST ERROR");
    assertThat(result.outLines().get(1))
        .startsWith("exec_b")
        .contains("demo", "PAUSED", "build", "COMMAND_FAILED: exit 3 ...");
    assertThat(result.outLines())
        .contains("Showing the 2 most recently changed; more with --limit 4 or --all.");
  }

  @Test
  void shouldFollowTheCursorUntilItHasTheLimit() {
    coordinator.json(
        "GET /api/v1/executions?status=paused&limit=3", 200, page("c2", "exec_c", "exec_b"));
    coordinator.json(SECOND_PAGE, 200, page(null, "exec_a"));

    Cli.Result result = cli.run("list", "--status", "paused", "--limit", "3", "-o", "jsonl");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines()).hasSize(3);
    assertThat(
            result.outLines().stream().map(line -> Json.parse(line).path("executionId").asString()))
        .containsExactly("exec_c", "exec_b", "exec_a");
  }

  @Test
  void shouldPrintAnEmptyArrayWhenNothingMatchesWithJson() {
    coordinator.json("GET /api/v1/executions?pipeline=none&limit=50", 200, page(null));

    assertThat(cli.run("list", "--pipeline", "none", "-o", "json").out().strip()).isEqualTo("[]");
    assertThat(cli.run("list", "--pipeline", "none", "--json").out().strip()).isEqualTo("[]");
    assertThat(cli.run("list", "--pipeline", "none").outLines())
        .containsExactly("No executions match.");
  }

  @Test
  void shouldSendSinceAsAnInstantAndEncodeTheText() {
    coordinator.json("GET /api/v1/executions", 200, page(null));

    cli.run("list", "--since", "2h", "--text", "a b&c", "--all");

    String uri = coordinator.requests().get(0).uri();
    assertThat(uri).contains("q=a+b%26c").contains("limit=500");
    String from = uri.replaceAll(".*from=([^&]*).*", "$1").replace("%3A", ":");
    assertThat(Instant.parse(from))
        .isBetween(Instant.now().minusSeconds(7300), Instant.now().minusSeconds(7100));
  }

  @Test
  void shouldExplainAServerRefusal() {
    coordinator.json(
        "GET /api/v1/executions?status=nope&limit=50",
        400,
        """
        {"title": "Bad Request", "status": 400, "field": "status",
         "detail": "status: 'nope' is not one of RUNNING, RETRY_SCHEDULED, PAUSED, SUCCEEDED, CANCELLED"}
        """);

    Cli.Result result = cli.run("list", "--status", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("'nope' is not one of RUNNING");
  }

  private static String page(String next, String... ids) {
    StringBuilder executions = new StringBuilder();
    for (String id : ids) {
      executions
          .append(executions.isEmpty() ? "" : ",")
          .append(
              """
              {"executionId": "%s", "pipeline": "demo", "source": "redrive-runner",
               "status": "PAUSED", "currentPhase": "build",
               "lastError": "COMMAND_FAILED: exit 3\\nsecond line", "resubmittedFrom": null,
               "createdAt": "2026-12-06T09:00:00Z", "updatedAt": "2026-12-06T09:01:00Z"}"""
                  .formatted(id));
    }
    JsonNode check = Json.parse("{\"executions\": [" + executions + "]}");
    assertThat(check.path("executions").size()).isEqualTo(ids.length);
    return "{\"executions\": [%s], \"next\": %s}"
        .formatted(executions, next == null ? "null" : "\"" + next + "\"");
  }
}
