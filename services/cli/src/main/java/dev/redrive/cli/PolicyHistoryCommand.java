package dev.redrive.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code redrive policy history}: the versions of the retry policies, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    header = "List the versions of the retry policies: who, why, when, what changed.",
    description = {
      "Newest first. Each version says whether a person set it (api) or the YAML configuration"
          + " seeded it at start (configuration), and what it changed.",
      "",
      "Examples:",
      "  redrive policy history",
      "  redrive policy history --limit 10 --before 40"
    })
final class PolicyHistoryCommand extends ApiCommand {

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "versions to list, 1-200 (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--before", paramLabel = "N", description = "versions older than N")
  Long before;

  PolicyHistoryCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (limit < 1 || limit > 200) {
      throw new UsageException("--limit must be 1-200, was " + limit);
    }
    String path =
        "/api/v1/policies/versions?limit=" + limit + (before == null ? "" : "&before=" + before);
    RedriveClient.Response response = client.get(Service.COORDINATOR, path);
    JsonNode answer = Json.parse(response.body());
    switch (output()) {
      case JSON -> out().println(response.body());
      case JSONL -> answer.path("versions").forEach(v -> out().println(Json.write(v)));
      case TABLE -> {
        Text.Table table = new Text.Table();
        table.row("VERSION", "ORIGIN", "BY", "AT", "REASON", "CHANGED");
        for (JsonNode version : answer.path("versions")) {
          table.row(
              Json.text(version, "version", "?"),
              Json.text(version, "origin", "?"),
              Json.text(version, "changedBy", "-"),
              Json.text(version, "changedAt", "-"),
              Text.oneLine(Json.text(version.path("reason")), 50),
              Text.oneLine(Json.text(version.path("summary")), 100));
        }
        table.print(out(), "");
        if (answer.path("next").isNumber()) {
          out().println();
          out().println("Older: redrive policy history --before " + answer.path("next").asLong());
        }
      }
    }
    return ExitCodes.OK;
  }
}
