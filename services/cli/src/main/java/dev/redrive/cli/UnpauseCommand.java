package dev.redrive.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code redrive unpause}: ends a pause; what it held is sent in order, optionally spread out. */
@Command(
    name = "unpause",
    mixinStandardHelpOptions = true,
    header = "End a pause of retries; held commands are sent in their order.",
    description = {
      "Ends the pause of exactly the scope given (see 'redrive pause --list'). The commands that"
          + " no other pause holds are sent in the order they were decided, --stagger apart.",
      "",
      "Example:",
      "  redrive unpause --pipeline demo --stagger 2s --note 'migration done'"
    })
final class UnpauseCommand extends ApiCommand {

  @Mixin PauseScopeOptions scope;

  @Option(
      names = "--stagger",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "time between two released commands (default: none)")
  Duration stagger;

  @Option(names = "--note", paramLabel = "TEXT", description = "for the audit trail")
  String note;

  @Mixin RequesterOption requester;

  UnpauseCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (!scope.named()) {
      throw new UsageException("name the pause to end: --all, --pipeline [--phase] or --execution");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    scope.into(body);
    body.put("stagger", stagger == null ? null : stagger.toString());
    body.put("note", note);
    body.put("requestedBy", requester.name(console));
    RedriveClient.Response response =
        client.postJson(Service.COORDINATOR, "/api/v1/pauses/release", Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    out().println(Json.text(answer, "message", "Unpaused"));
    return ExitCodes.OK;
  }
}
