package dev.redrive.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive fingerprints}: the failures of a window grouped by error fingerprint, most
 * frequent first, with how often a retry of each succeeded and what to change when it almost never
 * does; {@code redrive fingerprints show <fp>} for one of them.
 */
@Command(
    name = "fingerprints",
    mixinStandardHelpOptions = true,
    header = "How often each failure happened, and how often a retry of it succeeded.",
    description = {
      "Groups the failures of a window (--since, default the last 7 days) by error fingerprint:"
          + " the failure type, the error type, the message with ids, numbers, paths, URLs and"
          + " times masked, and the failed checks. For each fingerprint and phase: how many"
          + " failures in how many executions, first and last seen, the retries that followed it"
          + " and how many of them succeeded. When retries of it almost never succeed (at least"
          + " 10, under 10%), it suggests marking its failure type non-retryable there, with the"
          + " policy change to make.",
      "",
      "Examples:",
      "  redrive fingerprints --pipeline demo --since 24h",
      "  redrive fingerprints --phase build -o json",
      "  redrive fingerprints show fp_3f9a1c2b7d4e"
    },
    subcommands = {FingerprintsShowCommand.class})
final class FingerprintsCommand extends ApiCommand {

  @Option(names = "--pipeline", paramLabel = "P", description = "only this pipeline's failures")
  String pipeline;

  @Option(names = "--phase", paramLabel = "PH", description = "only this phase's failures")
  String phase;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "failures at or after: an instant (2026-12-06T09:00:00Z) or a duration ago (24h, 7d);"
              + " at most 90 days back (default: 7 days)")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "at most this many fingerprints, 1-200 (default: ${DEFAULT-VALUE})")
  int limit;

  FingerprintsCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (limit < 1 || limit > 200) {
      throw new UsageException("--limit must be 1-200, was " + limit);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("pipeline", pipeline);
    parameters.put("phase", phase);
    parameters.put("since", since == null ? null : since.strip());
    parameters.put("limit", Integer.toString(limit));
    String body =
        client
            .get(Service.COORDINATOR, "/api/v1/fingerprints" + DltCommand.query(parameters))
            .body();
    JsonNode answer = Json.parse(body);
    List<JsonNode> fingerprints = new ArrayList<>();
    answer.path("fingerprints").forEach(fingerprints::add);
    switch (output()) {
      case JSON -> out().println(body);
      case JSONL -> fingerprints.forEach(fp -> out().println(Json.write(fp)));
      case TABLE -> table(fingerprints, answer);
    }
    return ExitCodes.OK;
  }

  private void table(List<JsonNode> fingerprints, JsonNode answer) {
    if (fingerprints.isEmpty()) {
      out().println("No failures since " + Json.text(answer, "since", "?") + ".");
      return;
    }
    Text.Table table = new Text.Table();
    table.row(
        "FINGERPRINT", "PIPELINE/PHASE", "FAILURES", "EXECS", "RETRIES OK", "LAST SEEN", "TEXT");
    List<JsonNode> suggested = new ArrayList<>();
    for (JsonNode fp : fingerprints) {
      table.row(
          Json.text(fp, "fingerprint", "?"),
          Json.text(fp, "pipeline", "(" + Json.text(fp, "source", "?") + ")")
              + "/"
              + Json.text(fp, "phase", "?"),
          Json.text(fp, "failures", "0"),
          Json.text(fp, "executions", "0"),
          retries(fp),
          Json.text(fp, "lastSeen", "-"),
          Text.oneLine(Json.text(fp, "text", ""), 100));
      if (!fp.path("suggestion").isNull() && !fp.path("suggestion").isMissingNode()) {
        suggested.add(fp);
      }
    }
    table.print(out(), "");
    for (JsonNode fp : suggested) {
      out().println();
      out()
          .println(
              "Suggestion for %s: %s"
                  .formatted(
                      Json.text(fp, "fingerprint", "?"),
                      Json.text(fp.path("suggestion"), "text", "")));
      out().println("  policy change: " + Json.write(fp.path("suggestion").path("policyChange")));
    }
    if (!answer.path("next").isNull() && !answer.path("next").isMissingNode()) {
      out().println();
      out().println("Showing %d; more with --limit.".formatted(fingerprints.size()));
    }
    out().println();
    out().println("One of them: redrive fingerprints show <fingerprint>");
  }

  /** "3 of 14 (21%)", or "-" when no retry followed it. */
  static String retries(JsonNode fp) {
    long retries = fp.path("retries").asLong();
    if (retries == 0) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%d of %d (%.0f%%)",
        fp.path("retriesSucceeded").asLong(),
        retries,
        fp.path("successRate").asDouble() * 100);
  }
}
