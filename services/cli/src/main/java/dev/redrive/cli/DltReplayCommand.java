package dev.redrive.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code redrive dlt replay}: sends a selection of dead letters back, or dry-runs it. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    header = "Replay dead letters to the topic they came from.",
    description = {
      "Selects dead letters by --topic, --reason, --since/--until and --key (all that are given"
          + " must match), or names them with --coordinates, and sends each back to its original"
          + " topic with its key, value and headers plus a replay count, --rate per second."
          + " --dry-run goes through the same selection and plan and sends nothing. A letter"
          + " replayed before, or a re-parked one found by a filter, is skipped unless --force."
          + " The coordinator keeps which letters were replayed; the audit trail keeps who"
          + " replayed what and why.",
      "",
      "Examples:",
      "  redrive dlt replay --topic redrive.attempts --reason 'unknown schema' --dry-run",
      "  redrive dlt replay --topic redrive.attempts --since 2h --rate 20 --note 'registry back'",
      "  redrive dlt replay --coordinates redrive.attempts.DLT/0/42 --force"
    })
final class DltReplayCommand extends ApiCommand {

  @Option(names = "--topic", paramLabel = "TOPIC", description = "the dead letters of this topic")
  String topic;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "whose reason contains this text (any case)")
  String reason;

  @Option(names = "--since", paramLabel = "WHEN", description = "written at or after WHEN")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "written before WHEN")
  String until;

  @Option(names = "--key", paramLabel = "KEY", description = "with this key (execution id)")
  String key;

  @Option(
      names = "--coordinates",
      paramLabel = "T/P/O",
      split = ",",
      description = "these dead letters (topic/partition/offset, comma-separated or repeated)")
  List<String> coordinates;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most this many letters of a filter (server default 100)")
  Integer limit;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description = "go on where an earlier replay stopped (the 'next' it printed)")
  String after;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "records per second (server default 10)")
  Integer rate;

  @Option(names = "--dry-run", description = "say what would be replayed, send nothing")
  boolean dryRun;

  @Option(names = "--force", description = "also letters replayed before, and re-parked ones")
  boolean force;

  @Option(names = "--note", paramLabel = "TEXT", description = "why, for the audit trail")
  String note;

  @Mixin RequesterOption requester;

  DltReplayCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    boolean filtered =
        topic != null || reason != null || since != null || until != null || key != null;
    boolean named = coordinates != null && !coordinates.isEmpty();
    if (!filtered && !named) {
      throw new UsageException(
          "say what to replay: --topic, --reason, --since/--until, --key or --coordinates");
    }
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be 1 or more, was " + limit);
    }
    if (rate != null && rate < 1) {
      throw new UsageException("--rate must be 1 or more, was " + rate);
    }
    if (named) {
      coordinates.forEach(DltCommand::path);
    }
    Instant now = Instant.now();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topic", topic);
    body.put("reason", reason);
    body.put("from", Moments.instant("--since", since, now));
    body.put("to", Moments.instant("--until", until, now));
    body.put("key", key);
    body.put("coordinates", named ? coordinates : null);
    body.put("after", after);
    body.put("limit", limit);
    body.put("ratePerSecond", rate);
    body.put("dryRun", dryRun);
    body.put("force", force);
    body.put("requestedBy", requester.name(console));
    body.put("note", note);
    body.values().removeIf(v -> v == null);
    RedriveClient.Response response =
        client.postJson(Service.COORDINATOR, "/api/v1/dead-letters/replay", Json.write(body));
    JsonNode answer = Json.parse(response.body());
    if (json()) {
      out().println(response.body());
    } else {
      print(answer);
    }
    return answer.path("failed").asInt() > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
  }

  private void print(JsonNode answer) {
    if (answer.path("letters").isEmpty()) {
      out().println("No dead letters match.");
    } else {
      Text.Table table = new Text.Table();
      table.row("COORDINATES", "KEY", "OUTCOME", "DETAIL");
      for (JsonNode letter : answer.path("letters")) {
        table.row(
            Json.text(letter, "coordinates", "?"),
            Text.oneLine(Json.text(letter, "key", "-"), 40),
            Json.text(letter, "outcome", "?"),
            Text.oneLine(Json.text(letter, "detail", ""), 100));
      }
      table.print(out(), "");
      out().println();
    }
    out().println(Json.text(answer, "message", ""));
    String stopped = Json.text(answer.path("stoppedEarly"));
    if (stopped != null) {
      out().println("Stopped early: " + stopped);
    }
    String next = Json.text(answer.path("next"));
    if (next != null) {
      out().println("Go on: add --after " + next);
    }
  }
}
