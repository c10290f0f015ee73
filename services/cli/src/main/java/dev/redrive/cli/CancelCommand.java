package dev.redrive.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive cancel <id>}: stops an execution on the phase-runner for good. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    header = "Cancel an execution.",
    description =
        "Kills the running phase's processes and marks the execution CANCELLED on the"
            + " phase-runner; no retry of it runs afterwards.")
final class CancelCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<id>", description = "execution id")
  String executionId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit trail")
  String reason;

  @Mixin RequesterOption requester;

  CancelCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    body.put("requestedBy", requester.name(console));
    body.put("requestId", UUID.randomUUID().toString());
    RedriveClient.Response response =
        client.postJson(
            Service.RUNNER,
            "/api/v1/executions/" + segment(executionId) + "/cancel",
            Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    out().println("Cancel requested: " + Json.text(answer, "executionId", executionId));
    out().println();
    out().println("Check status: redrive status " + Json.text(answer, "executionId", executionId));
    return ExitCodes.OK;
  }
}
