package dev.redrive.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive pause}: holds retries until {@code redrive unpause}; {@code --list} shows them.
 */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    header = "Pause retries (of everything, a pipeline, a phase, or an execution).",
    description = {
      "Retries are still decided, counted and audited, but their commands wait, keeping their"
          + " order and due time, until 'redrive unpause'. A pause survives restarts.",
      "",
      "Examples:",
      "  redrive pause --pipeline demo --reason 'database migration until 14:00'",
      "  redrive pause --pipeline demo --phase build --reason 'compiler mirror down'",
      "  redrive pause --list"
    })
final class PauseCommand extends ApiCommand {

  @Mixin PauseScopeOptions scope;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (required to pause)")
  String reason;

  @Mixin RequesterOption requester;

  @Option(names = "--list", description = "show the pauses in force")
  boolean list;

  PauseCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (list) {
      if (scope.named() || reason != null) {
        throw new UsageException("--list takes no scope and no --reason");
      }
      return list(client);
    }
    if (!scope.named()) {
      throw new UsageException("name what to pause: --all, --pipeline [--phase] or --execution");
    }
    if (reason == null || reason.isBlank()) {
      throw new UsageException("say why with --reason; the audit trail keeps it");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    scope.into(body);
    body.put("reason", reason);
    body.put("requestedBy", requester.name(console));
    RedriveClient.Response response =
        client.postJson(Service.COORDINATOR, "/api/v1/pauses", Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    out().println(Json.text(answer, "message", "Paused"));
    out().println("Held now: " + Json.text(answer, "heldCommands", "0") + " commands");
    out().println();
    out().println("End it: redrive unpause " + unpauseArguments() + " [--stagger 1s]");
    return ExitCodes.OK;
  }

  private int list(RedriveClient client) {
    JsonNode pauses = Json.parse(client.get(Service.COORDINATOR, "/api/v1/pauses").body());
    switch (output()) {
      case JSON -> out().println(Json.write(pauses));
      case JSONL -> pauses.forEach(p -> out().println(Json.write(p)));
      case TABLE -> {
        if (pauses.isEmpty()) {
          out().println("No retries are paused.");
          return ExitCodes.OK;
        }
        Text.Table table = new Text.Table();
        table.row("PAUSED", "HELD", "SINCE", "BY", "REASON");
        for (JsonNode pause : pauses) {
          table.row(
              Json.text(pause, "description", "?"),
              Json.text(pause, "heldCommands", "0"),
              Json.text(pause, "since", "-"),
              Json.text(pause, "requestedBy", "-"),
              Text.oneLine(Json.text(pause.path("reason")), 80));
        }
        table.print(out(), "");
      }
    }
    return ExitCodes.OK;
  }

  private String unpauseArguments() {
    if (scope.all) {
      return "--all";
    }
    if (scope.executionId != null) {
      return "--execution " + scope.executionId;
    }
    return "--pipeline " + scope.pipeline + (scope.phase == null ? "" : " --phase " + scope.phase);
  }
}
