package dev.redrive.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code redrive policy clear}: ends the override of one execution. */
@Command(
    name = "clear",
    mixinStandardHelpOptions = true,
    header = "Remove the retry policy override of one execution.",
    description = {
      "Its next decisions use the policies in force again.",
      "",
      "Example:",
      "  redrive policy clear exec-42 --reason 'vendor is back'"
    })
final class PolicyClearCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<execution>", description = "the execution id")
  String executionId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (required)")
  String reason;

  @Mixin RequesterOption requester;

  PolicyClearCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (reason == null || reason.isBlank()) {
      throw new UsageException("say why with --reason; the audit trail keeps it");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    body.put("requestedBy", requester.name(console));
    RedriveClient.Response response =
        client.sendJson(
            Service.COORDINATOR,
            "DELETE",
            PolicyCommand.executionPath(executionId),
            Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    out()
        .println(
            "Override of %s cleared (change %s): %s"
                .formatted(
                    executionId,
                    Json.text(Json.parse(response.body()), "version", "?"),
                    Json.text(Json.parse(response.body()), "summary", "")));
    return ExitCodes.OK;
  }
}
