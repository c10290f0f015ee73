package dev.redrive.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code redrive policy set}: puts a policy document in force as a new version. */
@Command(
    name = "set",
    mixinStandardHelpOptions = true,
    header = "Put a policy document (JSON or YAML file) in force as a new version.",
    description = {
      "The file holds the whole document: defaults (maxAttempts, initialInterval, multiplier,"
          + " maxInterval, jitter, nonRetryable, deadline), budget (ratio, window, minRetries),"
          + " sources, and pipelines with their phases; durations as 30s, 5m, 1h or PT30S. A file"
          + " printed by 'redrive policy show -o json' may be given as it is: its version is then"
          + " the expected one, so a change made by someone else in between is refused instead of"
          + " overwritten. Nothing changes when the document says what is in force already.",
      "",
      "Examples:",
      "  redrive policy set --file policies.yaml --reason 'build runner is flaky'",
      "  redrive policy set --file policies.json --expect-version 7 --reason 'budget 30%'"
    })
final class PolicySetCommand extends ApiCommand {

  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "the policy document, JSON or YAML")
  Path file;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (required)")
  String reason;

  @Option(
      names = "--expect-version",
      paramLabel = "N",
      description = "refuse the change unless version N is in force (default: the file's version)")
  Long expectVersion;

  @Mixin RequesterOption requester;

  PolicySetCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (reason == null || reason.isBlank()) {
      throw new UsageException("say why with --reason; the audit trail keeps it");
    }
    PolicyFile.Read read = PolicyFile.read(file);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("policy", read.document());
    body.put("reason", reason);
    body.put("requestedBy", requester.name(console));
    Long expected = expectVersion != null ? expectVersion : read.version();
    if (expected != null) {
      body.put("expectedVersion", expected);
    }
    RedriveClient.Response response =
        client.sendJson(Service.COORDINATOR, "PUT", "/api/v1/policies", Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    PolicyCommand.printChanged(console, "Retry policies", Json.parse(response.body()));
    return ExitCodes.OK;
  }
}
