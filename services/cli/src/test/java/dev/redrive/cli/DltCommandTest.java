package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DltCommandTest extends AgainstFakeServices {

  private static final String LETTER =
      """
      {"coordinates": "redrive.attempts.DLT/0/%d", "topic": "redrive.attempts.DLT",
       "partition": 0, "offset": %d, "originalTopic": "redrive.attempts",
       "originalPartition": 1, "originalOffset": 7, "group": "coordinator-attempts",
       "reason": "DeserializationException: not Avro\\u001b[31m", "timestamp": "2026-12-06T10:00:00Z",
       "key": "exec_%d", "valueSize": 10, "replayCount": %d, "replays": %d}""";

  private static String letter(int offset, int replayCount, int replays) {
    return LETTER.formatted(offset, offset, offset, replayCount, replays);
  }

  @Test
  void shouldListDeadLettersWithTheirReasonsAndFollowTheCursor() {
    coordinator.json(
        "GET /api/v1/dead-letters?topic=redrive.attempts&reason=not+Avro&limit=3",
        200,
        "{\"deadLetters\": [%s, %s], \"next\": \"c1\", \"scanned\": 2, \"stoppedEarly\": null}"
            .formatted(letter(1, 0, 0), letter(2, 1, 0)));
    coordinator.json(
        "GET /api/v1/dead-letters?topic=redrive.attempts&reason=not+Avro&limit=1&after=c1",
        200,
        "{\"deadLetters\": [%s], \"next\": null, \"scanned\": 9,".formatted(letter(3, 0, 2))
            + " \"stoppedEarly\": \"read 9 records\"}");

    Cli.Result result =
        cli.run(
            "dlt", "list", "--topic", "redrive.attempts", "--reason", "not Avro", "--limit", "3");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines().get(0)).startsWith("COORDINATES").contains("REASON");
    assertThat(result.outLines().get(1))
        .startsWith("redrive.attempts.DLT/0/1")
        .contains("exec_1", "coordinator-attempts", "DeserializationException: not Avro\\x1b[31m");
    assertThat(result.outLines().get(2)).contains("0 (re-parked x1)");
    assertThat(result.outLines().get(3)).contains("redrive.attempts.DLT/0/3", " 2 ");
    assertThat(result.out()).contains("Stopped early: read 9 records").doesNotContain("\u001b");
  }

  @Test
  void shouldPrintJsonLinesAndAnEmptyArray() {
    coordinator.json(
        "GET /api/v1/dead-letters?key=exec_1&limit=50",
        200,
        "{\"deadLetters\": [%s], \"next\": null, \"scanned\": 1, \"stoppedEarly\": null}"
            .formatted(letter(1, 0, 0)));
    coordinator.json(
        "GET /api/v1/dead-letters?key=none&limit=50",
        200,
        "{\"deadLetters\": [], \"next\": null, \"scanned\": 5, \"stoppedEarly\": null}");

    Cli.Result lines = cli.run("dlt", "list", "--key", "exec_1", "-o", "jsonl");
    Cli.Result empty = cli.run("dlt", "list", "--key", "none", "-o", "json");

    assertThat(lines.outLines()).hasSize(1);
    assertThat(Json.parse(lines.outLines().get(0)).path("coordinates").asString())
        .isEqualTo("redrive.attempts.DLT/0/1");
    assertThat(empty.out().strip()).isEqualTo("[]");
  }

  @Test
  void shouldShowOneDeadLetterWithItsHeadersAndDecodedValue() {
    coordinator.json(
        "GET /api/v1/dead-letters/redrive.attempts.DLT/0/1",
        200,
        letter(1, 0, 1)
            .replace(
                "\"replays\": 1}",
                """
                "replays": 1, "headers": [{"name": "redrive-dlt-reason", "value": "bad"}],
                 "value": {"size": 10, "encoding": "avro", "json": {"eventId": "e-1"}}}"""));

    Cli.Result result = cli.run("dlt", "show", "redrive.attempts.DLT/0/1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("From:      redrive.attempts-1@7 (group coordinator-attempts)")
        .contains("  redrive-dlt-reason: bad")
        .contains("Value (10 bytes, avro):")
        .contains("\"eventId\"", "\"e-1\"")
        .contains("redrive dlt replay --coordinates redrive.attempts.DLT/0/1 --dry-run");
  }

  @Test
  void shouldRefuseCoordinatesThatAreNotTopicPartitionOffsetBeforeAnyRequest() {
    Cli.Result show = cli.run("dlt", "show", "../../etc/0/1");
    Cli.Result replay = cli.run("dlt", "replay", "--coordinates", "redrive.attempts.DLT/x/1");

    assertThat(show.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(replay.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(replay.err()).contains("<dead-letter topic>/<partition>/<offset>");
    assertThat(coordinator.requests()).isEmpty();
  }

  @Test
  void shouldDryRunAReplayWithWhoWhyAndTheRate() {
    coordinator.json(
        "POST /api/v1/dead-letters/replay",
        200,
        """
        {"replayId": "r-1", "dryRun": true, "matched": 2, "replayed": 1, "skipped": 1,
         "failed": 0, "next": "c9", "durationMs": 0, "scanned": 4, "stoppedEarly": null,
         "letters": [
           {"coordinates": "redrive.attempts.DLT/0/1", "originalTopic": "redrive.attempts",
            "key": "exec_1", "outcome": "WOULD_REPLAY", "detail": null, "replayCount": 1},
           {"coordinates": "redrive.attempts.DLT/0/2", "originalTopic": "redrive.attempts",
            "key": "exec_2", "outcome": "SKIPPED", "detail": "ALREADY_REPLAYED",
            "replayCount": null}],
         "message": "Dry run: 1 of 2 dead letters would be replayed, 1 skipped"}""");

    Cli.Result result =
        cli.run(
            "dlt",
            "replay",
            "--topic",
            "redrive.attempts",
            "--since",
            "2h",
            "--rate",
            "5",
            "--dry-run",
            "--note",
            "registry back");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("WOULD_REPLAY", "ALREADY_REPLAYED")
        .contains("Dry run: 1 of 2 dead letters would be replayed")
        .contains("Go on: add --after c9");
    JsonNode body =
        Json.parse(coordinator.onlyRequest("POST", "/api/v1/dead-letters/replay").body());
    assertThat(body.path("topic").asString()).isEqualTo("redrive.attempts");
    assertThat(body.path("dryRun").asBoolean()).isTrue();
    assertThat(body.path("ratePerSecond").asInt()).isEqualTo(5);
    assertThat(body.path("requestedBy").asString()).isEqualTo("alice");
    assertThat(body.path("note").asString()).isEqualTo("registry back");
    assertThat(body.has("from")).isTrue();
    assertThat(body.has("coordinates")).isFalse();
  }

  @Test
  void shouldReplayNamedLettersAndExitOneWhenASendFailed() {
    coordinator.json(
        "POST /api/v1/dead-letters/replay",
        200,
        """
        {"replayId": "r-2", "dryRun": false, "matched": 1, "replayed": 0, "skipped": 0,
         "failed": 1, "next": null, "durationMs": 0, "scanned": 1, "stoppedEarly": null,
         "letters": [{"coordinates": "redrive.attempts.DLT/0/1", "key": "exec_1",
           "outcome": "FAILED", "detail": "TimeoutException: no answer", "replayCount": null}],
         "message": "Replayed 0 of 1 dead letters, 1 failed to send"}""");

    Cli.Result result =
        cli.run(
            "dlt",
            "replay",
            "--coordinates",
            "redrive.attempts.DLT/0/1",
            "--force",
            "--requested-by",
            "bob");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.out()).contains("FAILED", "TimeoutException: no answer");
    JsonNode body =
        Json.parse(coordinator.onlyRequest("POST", "/api/v1/dead-letters/replay").body());
    assertThat(body.path("coordinates").get(0).asString()).isEqualTo("redrive.attempts.DLT/0/1");
    assertThat(body.path("force").asBoolean()).isTrue();
    assertThat(body.path("requestedBy").asString()).isEqualTo("bob");
  }

  @Test
  void shouldRefuseAReplayThatSelectsNothingAndExplainAServerRefusal() {
    Cli.Result nothing = cli.run("dlt", "replay", "--dry-run");
    coordinator.json(
        "POST /api/v1/dead-letters/replay",
        400,
        """
        {"title": "Bad Request", "status": 400, "field": "ratePerSecond",
         "detail": "ratePerSecond: must be 1-1000, was 5000"}""");
    Cli.Result tooFast = cli.run("dlt", "replay", "--topic", "redrive.attempts", "--rate", "5000");

    assertThat(nothing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(nothing.err()).contains("say what to replay");
    assertThat(tooFast.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(tooFast.err()).contains("ratePerSecond: must be 1-1000");
  }

  @Test
  void helpShowsTheThreeVerbs() {
    Cli.Result help = cli.run("dlt", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("list", "show", "replay", "re-parked");
  }
}
