package dev.redrive.cli;

import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code redrive policy show}: the policies in force (or one version, or one execution's). */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    header = "Show the retry policies in force, a version of them, or an execution's.",
    description = {
      "Without options: the version in force, who set it and why, and its document. With -o json"
          + " the answer can be edited and given to 'redrive policy set --file' (its version is"
          + " then the expected one).",
      "",
      "Examples:",
      "  redrive policy show",
      "  redrive policy show --version 3 -o json",
      "  redrive policy show --execution exec-42"
    })
final class PolicyShowCommand extends ApiCommand {

  @Option(names = "--version", paramLabel = "N", description = "a stored version instead")
  Long version;

  @Option(
      names = "--execution",
      paramLabel = "ID",
      description = "the override of one execution and the policy each of its phases gets")
  String executionId;

  PolicyShowCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (version != null && executionId != null) {
      throw new UsageException("give --version or --execution, not both");
    }
    if (version != null && version < 1) {
      throw new UsageException("--version must be 1 or more");
    }
    String path =
        executionId != null
            ? PolicyCommand.executionPath(executionId)
            : version != null ? "/api/v1/policies/versions/" + version : "/api/v1/policies";
    RedriveClient.Response response = client.get(Service.COORDINATOR, path);
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    if (executionId != null) {
      printExecution(answer);
    } else {
      out()
          .println(
              "Retry policies version %s (%s, by %s at %s): %s"
                  .formatted(
                      Json.text(answer, "version", "?"),
                      Json.text(answer, "origin", "?"),
                      Json.text(answer, "changedBy", "(not named)"),
                      Json.text(answer, "changedAt", "?"),
                      Text.oneLine(Json.text(answer.path("reason")), 120)));
      out().println(answer.path("policy").toPrettyString());
    }
    return ExitCodes.OK;
  }

  private void printExecution(JsonNode answer) {
    JsonNode override = answer.path("override");
    if (override.isObject()) {
      out()
          .println(
              "Override of %s (change %s, by %s at %s): %s"
                  .formatted(
                      executionId,
                      Json.text(answer, "version", "?"),
                      Json.text(answer, "changedBy", "(not named)"),
                      Json.text(answer, "changedAt", "?"),
                      Text.oneLine(Json.text(answer.path("reason")), 120)));
      out().println("  " + fields(override));
    } else {
      out().println("No override for " + executionId + ".");
    }
    if (!answer.path("known").asBoolean()) {
      out().println("The coordinator has not seen this execution yet.");
      return;
    }
    Text.Table table = new Text.Table();
    table.row("PHASE", "POLICY", "FROM");
    for (JsonNode phase : answer.path("phases")) {
      table.row(
          Json.text(phase, "phase", "?"),
          fields(phase.path("policy")),
          fields(phase.path("origins")));
    }
    table.print(out(), "");
  }

  private static String fields(JsonNode object) {
    StringBuilder line = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      line.append(line.isEmpty() ? "" : ", ")
          .append(field.getKey())
          .append('=')
          .append(field.getValue().isString() ? field.getValue().asString() : field.getValue());
    }
    return line.toString();
  }
}
