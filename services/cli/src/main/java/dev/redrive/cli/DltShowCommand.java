package dev.redrive.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive dlt show}: one dead letter with its reason, headers and value. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    header = "Show one dead letter: reason, origin, headers, value.",
    description = {
      "Shows where the record came from (topic, partition, offset, consumer group), why it was"
          + " dead-lettered, its key and headers, and its value: decoded from Avro as JSON when it"
          + " decodes, else the size and a base64 and hex excerpt.",
      "",
      "Example:",
      "  redrive dlt show redrive.attempts.DLT/0/42"
    })
final class DltShowCommand extends ApiCommand {

  @Parameters(
      index = "0",
      paramLabel = "<coordinates>",
      description = "<dead-letter topic>/<partition>/<offset>, as 'redrive dlt list' prints them")
  String coordinates;

  DltShowCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    RedriveClient.Response response =
        client.get(Service.COORDINATOR, "/api/v1/dead-letters/" + DltCommand.path(coordinates));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode letter = Json.parse(response.body());
    out().println("Dead letter " + Json.text(letter, "coordinates", coordinates));
    out()
        .println(
            "From:      %s-%s@%s (group %s)"
                .formatted(
                    Json.text(letter, "originalTopic", "?"),
                    Json.text(letter, "originalPartition", "?"),
                    Json.text(letter, "originalOffset", "?"),
                    Json.text(letter, "group", "unknown")));
    out().println("Reason:    " + Json.text(letter, "reason", "(none given)"));
    out().println("Written:   " + Json.text(letter, "timestamp", "-"));
    out().println("Key:       " + Json.text(letter, "key", "(none)"));
    out()
        .println(
            "Replays:   %s of this letter; it carries replay count %s"
                .formatted(
                    Json.text(letter, "replays", "0"), Json.text(letter, "replayCount", "0")));
    out().println("Headers:");
    for (JsonNode header : letter.path("headers")) {
      out()
          .println(
              "  %s: %s%s"
                  .formatted(
                      Json.text(header, "name", "?"),
                      Text.oneLine(Json.text(header, "value", ""), 160),
                      header.path("truncated").asBoolean() ? " (cut)" : ""));
    }
    JsonNode value = letter.path("value");
    out()
        .println(
            "Value (%s bytes, %s):"
                .formatted(Json.text(value, "size", "0"), Json.text(value, "encoding", "?")));
    if (value.has("json")) {
      out().println(value.path("json").toPrettyString());
    } else if (value.has("base64")) {
      out().println("  base64: " + Json.text(value, "base64", ""));
      out().println("  hex:    " + Json.text(value, "hex", ""));
      if (value.path("truncated").asBoolean()) {
        out().println("  (an excerpt: the first bytes only)");
      }
    } else {
      out().println("  " + Json.text(value, "note", Json.text(value, "text", "")));
    }
    out().println();
    out().println("Replay it: redrive dlt replay --coordinates " + coordinates + " --dry-run");
    return ExitCodes.OK;
  }
}
