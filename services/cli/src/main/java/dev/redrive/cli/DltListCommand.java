package dev.redrive.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive dlt list}: the dead letters that match, topic by topic and partition by partition,
 * oldest first; follows the API's pages until it has {@code --limit} or there are no more.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List dead letters with their reasons.",
    description = {
      "Lists the dead letters of every Redrive topic (or of --topic), topic by topic and"
          + " partition by partition, oldest first, with the reason, the key, the replay count"
          + " (re-parked letters have one) and how often each was replayed.",
      "",
      "Examples:",
      "  redrive dlt list",
      "  redrive dlt list --topic redrive.attempts --reason 'not Avro' --since 1h -o jsonl"
    })
final class DltListCommand extends ApiCommand {

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description =
          "only the dead letters of this topic (redrive.attempts or redrive.attempts.DLT)")
  String topic;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "only those whose reason contains this text (any case)")
  String reason;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "written at or after: an instant (2026-12-06T09:00:00Z) or a duration ago (2h)")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "written before: an instant or a duration ago")
  String until;

  @Option(names = "--key", paramLabel = "KEY", description = "only this key (execution id)")
  String key;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "at most this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--all", description = "every matching dead letter, however many")
  boolean all;

  DltListCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (limit < 1) {
      throw new UsageException("--limit must be 1 or more, was " + limit);
    }
    Instant now = Instant.now();
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("topic", topic);
    parameters.put("reason", reason);
    parameters.put("from", Moments.instant("--since", since, now));
    parameters.put("to", Moments.instant("--until", until, now));
    parameters.put("key", key);
    List<JsonNode> letters = new ArrayList<>();
    List<String> stops = new ArrayList<>();
    String after = null;
    do {
      parameters.put("limit", Integer.toString(all ? 500 : Math.min(500, limit - letters.size())));
      parameters.put("after", after);
      JsonNode answer =
          Json.parse(
              client
                  .get(Service.COORDINATOR, "/api/v1/dead-letters" + DltCommand.query(parameters))
                  .body());
      answer.path("deadLetters").forEach(letters::add);
      String stopped = Json.text(answer.path("stoppedEarly"));
      if (stopped != null) {
        stops.add(stopped);
      }
      after = Json.text(answer.path("next"));
    } while (after != null && (all || letters.size() < limit));
    switch (output()) {
      case JSON -> out().println(Json.write(letters));
      case JSONL -> letters.forEach(letter -> out().println(Json.write(letter)));
      case TABLE -> table(letters, after, stops);
    }
    return ExitCodes.OK;
  }

  private void table(List<JsonNode> letters, String more, List<String> stops) {
    if (letters.isEmpty()) {
      out().println("No dead letters match.");
    } else {
      Text.Table table = new Text.Table();
      table.row("COORDINATES", "KEY", "WRITTEN", "GROUP", "REPLAYS", "REASON");
      for (JsonNode letter : letters) {
        int count = letter.path("replayCount").asInt();
        table.row(
            Json.text(letter, "coordinates", "?"),
            Text.oneLine(Json.text(letter, "key", "-"), 40),
            Json.text(letter, "timestamp", "-"),
            Json.text(letter, "group", "-"),
            letter.path("replays").asInt() + (count > 0 ? " (re-parked x" + count + ")" : ""),
            Text.oneLine(Json.text(letter, "reason", "-"), 100));
      }
      table.print(out(), "");
    }
    if (!stops.isEmpty()) {
      out().println();
      out().println("Stopped early: " + stops.get(stops.size() - 1));
    }
    if (more != null) {
      out().println();
      out().println("Showing %d; more with --limit or --all.".formatted(letters.size()));
    }
    if (!letters.isEmpty()) {
      out().println();
      out().println("Look at one: redrive dlt show <coordinates>");
    }
  }
}
