package dev.redrive.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code redrive pipelines}: the pipelines the phase-runner can start, with their phases. */
@Command(
    name = "pipelines",
    mixinStandardHelpOptions = true,
    header = "List the pipelines the phase-runner can start.",
    description = "Shows each pipeline's name, its phases in order, and the file it comes from.")
final class PipelinesCommand extends ApiCommand {

  PipelinesCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    JsonNode pipelines = Json.parse(client.get(Service.RUNNER, "/api/v1/pipelines").body());
    switch (output()) {
      case JSON -> out().println(Json.write(pipelines));
      case JSONL -> pipelines.forEach(p -> out().println(Json.write(p)));
      case TABLE -> table(pipelines);
    }
    return ExitCodes.OK;
  }

  private void table(JsonNode pipelines) {
    if (pipelines.isEmpty()) {
      out().println("The phase-runner has no pipeline (see the setting redrive.runner.pipelines).");
      return;
    }
    Text.Table table = new Text.Table();
    table.row("PIPELINE", "PHASES", "FILE");
    for (JsonNode pipeline : pipelines) {
      List<String> phases = new ArrayList<>();
      pipeline.path("phases").forEach(phase -> phases.add(phase.asString()));
      table.row(
          Json.text(pipeline, "name", "?"),
          String.join(" -> ", phases),
          Json.text(pipeline, "file", "-"));
    }
    table.print(out(), "");
  }
}
