package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PolicyWhatIfCommandTest extends AgainstFakeServices {

  private static final String TOTALS =
      """
      {"retries": %d, "interventions": %d, "interventionsByCause": %s, "budgetRefusals": %d,
       "totalDelayMs": %d, "p50DelayMs": %d, "p95DelayMs": %d}""";

  private static final String ANSWER =
      """
      {"from": "2026-12-05T12:00:00Z", "to": "2026-12-06T12:00:00Z", "pipeline": "demo",
       "phase": null, "source": null, "policy": "proposed", "policiesVersion": 3, "cut": true,
       "readUntil": "2026-12-06T11:00:00Z", "attemptsRead": 100000, "failures": 120,
       "failuresUnrecorded": 0, "executions": 40, "executionsAffected": 12,
       "actual": %s, "proposed": %s, "change": {},
       "retriesBeyondHistory": 4, "attemptsAvoided": 7,
       "rows": [{"pipeline": "demo", "phase": "build\\u001b[31m", "failures": 100,
                 "actual": %s, "proposed": %s, "retriesBeyondHistory": 4, "attemptsAvoided": 7}],
       "delays": "proposed delays are expected delays", "tookMs": 12}"""
          .formatted(
              TOTALS.formatted(80, 10, "{\"ATTEMPTS_EXHAUSTED\": 10}", 0, 250_000, 2000, 9000),
              TOTALS.formatted(
                  60,
                  22,
                  "{\"ATTEMPTS_EXHAUSTED\": 20, \"BUDGET_USED_UP\": 2}",
                  2,
                  61_500,
                  500,
                  1500),
              TOTALS.formatted(80, 10, "{}", 0, 250_000, 0, 0),
              TOTALS.formatted(60, 22, "{}", 2, 61_500, 0, 0));

  @Test
  void shouldSendTheWindowAndAYamlProposalAndPrintActualProposedAndChange() throws Exception {
    coordinator.json("POST /api/v1/policies/what-if", 200, ANSWER);
    Path proposal = home.resolve("proposal.yaml");
    Files.writeString(
        proposal,
        """
        defaults: {maxAttempts: 2, initialInterval: 1s, multiplier: 2.0, maxInterval: 5m, jitter: FULL}
        budget: {ratio: 0.1, window: 1m, minRetries: 5}
        """);

    Cli.Result result =
        cli.run(
            "policy",
            "what-if",
            "--since",
            "2026-12-05T12:00:00Z",
            "--pipeline",
            "demo",
            "--file",
            proposal.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode sent = Json.parse(coordinator.onlyRequest("POST", "/api/v1/policies/what-if").body());
    assertThat(sent.path("from").asString()).isEqualTo("2026-12-05T12:00:00Z");
    assertThat(sent.path("pipeline").asString()).isEqualTo("demo");
    assertThat(sent.path("policy").path("defaults").path("maxAttempts").asInt()).isEqualTo(2);
    assertThat(sent.path("policy").path("budget").path("window").asString()).isEqualTo("1m");
    assertThat(result.out())
        .contains("120 failures of 40 executions", "(pipeline demo)")
        .contains("Cut: the window holds more than 100000 attempts")
        .contains("Retries beyond history (outcome not known): 4")
        .doesNotContain("\u001b");
    assertThat(result.outLines())
        .anySatisfy(l -> assertThat(l).matches("retries\\s+80\\s+60\\s+-20"))
        .anySatisfy(l -> assertThat(l).matches("\\s+BUDGET_USED_UP\\s+0\\s+2\\s+\\+2"))
        .anySatisfy(l -> assertThat(l).matches("total delay\\s+4m 10s\\s+1m 1s\\s+-3m 8s"))
        .anySatisfy(l -> assertThat(l).contains("demo", "80 -> 60", "10 -> 22"));
  }

  @Test
  void shouldAskForThePoliciesInForceWithoutAFileAndPrintTheServersJson() {
    coordinator.json("POST /api/v1/policies/what-if", 200, ANSWER);

    Cli.Result result =
        cli.run("policy", "what-if", "--since", "2h", "--until", "1h", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode sent = Json.parse(coordinator.onlyRequest("POST", "/api/v1/policies/what-if").body());
    assertThat(sent.has("policy")).isFalse();
    assertThat(sent.path("to").asString()).endsWith("Z");
    assertThat(Json.parse(result.out()).path("failures").asLong()).isEqualTo(120);
  }

  @Test
  void shouldRefuseAFileItCannotReadBeforeAnyRequest() throws Exception {
    Path bad = home.resolve("bad.json");
    Files.writeString(bad, "{not json");
    Path big = home.resolve("big.yaml");
    Files.writeString(big, "x".repeat((int) PolicyFile.MAX_BYTES + 1));

    Cli.Result notJson = cli.run("policy", "what-if", "--since", "1h", "--file", bad.toString());
    Cli.Result tooBig = cli.run("policy", "what-if", "--since", "1h", "--file", big.toString());
    Cli.Result missing = cli.run("policy", "what-if", "--since", "1h", "--file", "nope.yaml");

    assertThat(notJson.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notJson.err()).contains("is not valid JSON");
    assertThat(tooBig.err()).contains("at most 262144");
    assertThat(missing.err()).contains("nope.yaml: no such file");
    assertThat(coordinator.requests()).isEmpty();
  }

  @Test
  void shouldPrintTheServersWordsOnA400() {
    coordinator.json(
        "POST /api/v1/policies/what-if",
        400,
        "{\"title\": \"Bad Request\", \"status\": 400, \"field\": \"policy.defaults.maxAttempts\","
            + " \"detail\": \"policy.defaults.maxAttempts: must be at least 1, was 0\"}");

    Cli.Result result = cli.run("policy", "what-if", "--since", "1h");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("policy.defaults.maxAttempts: must be at least 1, was 0");
  }

  @Test
  void shouldFormatMillisAsAPersonReadsThem() {
    assertThat(PolicyWhatIfCommand.millis(750)).isEqualTo("750ms");
    assertThat(PolicyWhatIfCommand.millis(12_300)).isEqualTo("12.3s");
    assertThat(PolicyWhatIfCommand.millis(2000)).isEqualTo("2s");
    assertThat(PolicyWhatIfCommand.millis(250_000)).isEqualTo("4m 10s");
    assertThat(PolicyWhatIfCommand.millis(7_500_000)).isEqualTo("2h 5m");
  }
}
