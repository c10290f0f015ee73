package dev.redrive.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive fingerprints show}: one fingerprint, per phase, and its latest failures. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    header = "One error fingerprint: its history per phase and its latest failures.",
    description = {
      "Shows what the fingerprint stands for (the masked text), its failures, executions and"
          + " retries per pipeline and phase with the success rate and any suggestion, and its"
          + " latest 20 failures with what the next attempt of each did.",
      "",
      "Example:",
      "  redrive fingerprints show fp_3f9a1c2b7d4e --since 30d"
    })
final class FingerprintsShowCommand extends ApiCommand {

  @Parameters(
      index = "0",
      paramLabel = "<fingerprint>",
      description = "fp_ and 12 hex digits, as 'redrive fingerprints' prints them")
  String fingerprint;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "failures at or after: an instant or a duration ago (default: 7 days)")
  String since;

  FingerprintsShowCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (!fingerprint.matches("fp_[0-9a-f]{12}")) {
      throw new UsageException(
          "'%s' is not a fingerprint: fp_ and 12 hex digits, such as fp_3f9a1c2b7d4e"
              .formatted(Text.oneLine(fingerprint, 64)));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("since", since == null ? null : since.strip());
    String body =
        client
            .get(
                Service.COORDINATOR,
                "/api/v1/fingerprints/" + fingerprint + DltCommand.query(parameters))
            .body();
    if (json()) {
      out().println(body);
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(body);
    out().println("Fingerprint " + fingerprint + " since " + Json.text(answer, "since", "?"));
    for (JsonNode phase : answer.path("phases")) {
      out().println();
      out().println("  " + Text.oneLine(Json.text(phase, "text", ""), 200));
      out()
          .println(
              "  %s/%s: %s failures in %s executions, first %s, last %s; retries succeeded: %s"
                  .formatted(
                      Json.text(phase, "pipeline", "(" + Json.text(phase, "source", "?") + ")"),
                      Json.text(phase, "phase", "?"),
                      Json.text(phase, "failures", "0"),
                      Json.text(phase, "executions", "0"),
                      Json.text(phase, "firstSeen", "-"),
                      Json.text(phase, "lastSeen", "-"),
                      FingerprintsCommand.retries(phase)));
      JsonNode suggestion = phase.path("suggestion");
      if (!suggestion.isNull() && !suggestion.isMissingNode()) {
        out().println("  Suggestion: " + Json.text(suggestion, "text", ""));
        out().println("  policy change: " + Json.write(suggestion.path("policyChange")));
      }
    }
    out().println();
    out().println("Latest failures:");
    Text.Table table = new Text.Table();
    table.row("EXECUTION", "PHASE", "ATTEMPT", "AT", "NEXT ATTEMPT", "MESSAGE");
    for (JsonNode failure : answer.path("latest")) {
      table.row(
          Json.text(failure, "executionId", "?"),
          Json.text(failure, "phase", "?"),
          Json.text(failure, "attemptNumber", "?"),
          Json.text(failure, "occurredAt", "-"),
          Json.text(failure, "nextAttempt", "none yet"),
          Text.oneLine(Json.text(failure, "message", ""), 100));
    }
    table.print(out(), "  ");
    return ExitCodes.OK;
  }
}
