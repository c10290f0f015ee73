package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxCommandTest extends AgainstFakeServices {

  private static final String LISTING =
      """
      {"total": 1, "rows": [{"id": 42, "topics": ["redrive.process-events"],
        "keys": ["exec_abc\\u001b[31m"], "eventIds": ["e1"], "eventTypes": ["ExecutionStarted"],
        "payloadBytes": [1200000], "dueAt": "2026-12-02T19:00:00Z",
        "parkedAt": "2026-12-02T19:00:01Z", "attempts": 2,
        "cause": "org.apache.kafka.common.errors.RecordTooLargeException: too large",
        "heldBehind": null}]}""";

  @Test
  void shouldListTheParkedRowsOfTheServiceAskedForWithoutTerminalEscapes() {
    coordinator.json("GET /api/v1/outbox/parked?limit=100", 200, LISTING);

    Cli.Result result = cli.run("outbox", "parked", "--service", "coordinator");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("42", "exec_abc?[31m", "ExecutionStarted", "RecordTooLargeException")
        .contains("redrive outbox requeue --service coordinator <id>")
        .doesNotContain("\u001b");
    assertThat(runner.requests()).isEmpty();
  }

  @Test
  void shouldRequeueARowOnTheServiceAskedFor() {
    runner.json(
        "POST /api/v1/outbox/parked/42/requeue", 200, "{\"id\": 42, \"requeued\": [42, 43]}");

    Cli.Result result = cli.run("outbox", "requeue", "--service", "runner", "42");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Re-queued outbox rows 42, 43.");
    assertThat(runner.onlyRequest("POST", "/api/v1/outbox/parked/42/requeue")).isNotNull();
  }

  @Test
  void shouldRefuseALimitOverAThousandAndAnUnknownService() {
    Cli.Result tooMany = cli.run("outbox", "parked", "--service", "runner", "--limit", "1001");
    Cli.Result unknown = cli.run("outbox", "parked", "--service", "audit");

    assertThat(tooMany.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooMany.err()).contains("--limit must be between 1 and 1000");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(runner.requests()).isEmpty();
  }
}
