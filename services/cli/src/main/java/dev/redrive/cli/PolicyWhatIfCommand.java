package dev.redrive.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code redrive policy what-if}: what a proposed policy document would have done to the failures
 * of a window, against what really happened ({@code POST /api/v1/policies/what-if}).
 */
@Command(
    name = "what-if",
    mixinStandardHelpOptions = true,
    header = "Replay a window's failures under a proposed policy, before applying it.",
    description = {
      "Replays the failures the coordinator recorded in a window through its own decision code"
          + " under the policy document in --file (JSON or YAML, as 'redrive policy show -o json'"
          + " prints it), and prints what really happened beside what the proposal would"
          + " have done: retries, pauses for a person by cause, retry budget refusals and delays"
          + " (expected delays: full jitter at the middle of its range). Without --file it replays"
          + " the policies in force, which should reproduce what happened.",
      "Where the proposal retries and a person was really asked, the retry's outcome is not"
          + " known: it is counted as a retry beyond history, and nothing after it is invented."
          + " Where it pauses earlier, the later real attempts are counted as not run.",
      "",
      "Examples:",
      "  redrive policy what-if --since 24h",
      "  redrive policy what-if --since 7d --pipeline demo --file proposal.yaml",
      "  redrive policy what-if --since 2026-12-01T00:00:00Z --until 2026-12-02T00:00:00Z -o json"
    })
final class PolicyWhatIfCommand extends ApiCommand {

  /** Pipeline/phase rows the table shows at most. */
  static final int TOP_ROWS = 10;

  @Option(
      names = "--since",
      required = true,
      paramLabel = "WHEN",
      description =
          "start of the window: an instant (2026-12-06T09:00:00Z) or a duration ago (24h);"
              + " a window is at most 31 days")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "end of the window (excluded): an instant or a duration ago; default now")
  String until;

  @Option(names = "--pipeline", paramLabel = "P", description = "only this pipeline's failures")
  String pipeline;

  @Option(names = "--phase", paramLabel = "PH", description = "only this phase's failures")
  String phase;

  @Option(names = "--source", paramLabel = "S", description = "only this source's failures")
  String source;

  @Option(
      names = "--file",
      paramLabel = "PROPOSAL",
      description =
          "the proposed policy document, JSON or YAML (defaults and budget required; what"
              + " 'redrive policy show -o json' prints will do); none = the policies in force")
  Path file;

  PolicyWhatIfCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    Instant now = Instant.now();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("from", Moments.instant("--since", since, now));
    if (until != null) {
      body.put("to", Moments.instant("--until", until, now));
    }
    body.put("pipeline", pipeline);
    body.put("phase", phase);
    body.put("source", source);
    if (file != null) {
      body.set("policy", PolicyFile.read(file).document());
    }
    String answer =
        client.postJson(Service.COORDINATOR, "/api/v1/policies/what-if", Json.write(body)).body();
    if (json()) {
      out().println(answer);
    } else {
      table(Json.parse(answer));
    }
    return ExitCodes.OK;
  }

  private void table(JsonNode answer) {
    JsonNode actual = answer.path("actual");
    JsonNode proposed = answer.path("proposed");
    out()
        .println(
            "What-if %s .. %s%s: %d failures of %d executions, %s against what happened"
                .formatted(
                    Json.text(answer, "from", "?"),
                    Json.text(answer, "to", "?"),
                    filters(answer),
                    answer.path("failures").asLong(),
                    answer.path("executions").asLong(),
                    "proposed".equals(Json.text(answer, "policy", ""))
                        ? "the proposal (" + file + ")"
                        : "the policies in force (version "
                            + answer.path("policiesVersion").asLong()
                            + ")"));
    out().println();
    Text.Table table = new Text.Table();
    table.row("", "ACTUAL", "PROPOSED", "CHANGE");
    count(table, "retries", actual.path("retries"), proposed.path("retries"));
    count(table, "interventions", actual.path("interventions"), proposed.path("interventions"));
    Set<String> causes = new LinkedHashSet<>();
    actual.path("interventionsByCause").propertyNames().forEach(causes::add);
    proposed.path("interventionsByCause").propertyNames().forEach(causes::add);
    for (String cause : causes) {
      count(
          table,
          "  " + Text.oneLine(cause, 40),
          actual.path("interventionsByCause").path(cause),
          proposed.path("interventionsByCause").path(cause));
    }
    count(table, "budget refusals", actual.path("budgetRefusals"), proposed.path("budgetRefusals"));
    delay(table, "total delay", actual.path("totalDelayMs"), proposed.path("totalDelayMs"));
    delay(table, "p50 delay", actual.path("p50DelayMs"), proposed.path("p50DelayMs"));
    delay(table, "p95 delay", actual.path("p95DelayMs"), proposed.path("p95DelayMs"));
    table.print(out(), "");
    out().println();
    out()
        .println(
            "Executions affected: %d. Retries beyond history (outcome not known): %d. Attempts that would not have run: %d."
                .formatted(
                    answer.path("executionsAffected").asLong(),
                    answer.path("retriesBeyondHistory").asLong(),
                    answer.path("attemptsAvoided").asLong()));
    if (answer.path("failuresUnrecorded").asLong() > 0) {
      out()
          .println(
              "%d failures were recorded before decisions were kept: replayed, but not in ACTUAL."
                  .formatted(answer.path("failuresUnrecorded").asLong()));
    }
    if (answer.path("cut").asBoolean()) {
      out()
          .println(
              "Cut: the window holds more than %d attempts; only those until %s were replayed (narrow the window or filter)."
                  .formatted(
                      answer.path("attemptsRead").asLong(), Json.text(answer, "readUntil", "?")));
    }
    rows(answer.path("rows"));
    out().println();
    out().println("Delays: " + Json.text(answer, "delays", "expected delays"));
  }

  private void rows(JsonNode rows) {
    if (rows.isEmpty()) {
      return;
    }
    out().println();
    Text.Table table = new Text.Table();
    table.row("PIPELINE", "PHASE", "FAILURES", "RETRIES", "INTERVENTIONS", "TOTAL DELAY");
    int shown = 0;
    for (JsonNode row : rows) {
      if (shown++ == TOP_ROWS) {
        break;
      }
      JsonNode actual = row.path("actual");
      JsonNode proposed = row.path("proposed");
      table.row(
          Text.oneLine(Json.text(row, "pipeline", "-"), 40),
          Text.oneLine(Json.text(row, "phase", "-"), 40),
          Long.toString(row.path("failures").asLong()),
          actual.path("retries").asLong() + " -> " + proposed.path("retries").asLong(),
          actual.path("interventions").asLong() + " -> " + proposed.path("interventions").asLong(),
          millis(actual.path("totalDelayMs").asLong())
              + " -> "
              + millis(proposed.path("totalDelayMs").asLong()));
    }
    table.print(out(), "");
    if (rows.size() > TOP_ROWS) {
      out().println("(%d more rows in -o json)".formatted(rows.size() - TOP_ROWS));
    }
  }

  private static String filters(JsonNode answer) {
    StringBuilder filters = new StringBuilder();
    for (String name : new String[] {"pipeline", "phase", "source"}) {
      String value = Json.text(answer.path(name));
      if (value != null) {
        filters.append(filters.isEmpty() ? " (" : ", ").append(name).append(' ');
        filters.append(Text.oneLine(value, 60));
      }
    }
    return filters.isEmpty() ? "" : filters.append(')').toString();
  }

  private static void count(Text.Table table, String label, JsonNode actual, JsonNode proposed) {
    long a = actual.asLong();
    long p = proposed.asLong();
    table.row(
        label, Long.toString(a), Long.toString(p), signed(p - a, Long.toString(Math.abs(p - a))));
  }

  private static void delay(Text.Table table, String label, JsonNode actual, JsonNode proposed) {
    long a = actual.asLong();
    long p = proposed.asLong();
    table.row(label, millis(a), millis(p), signed(p - a, millis(Math.abs(p - a))));
  }

  private static String signed(long change, String magnitude) {
    return change == 0 ? "0" : (change > 0 ? "+" : "-") + magnitude;
  }

  /** Milliseconds as a person reads them: 750ms, 12.3s, 4m 10s, 2h 5m. */
  static String millis(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return "%.1fs".formatted(millis / 1000.0).replace(".0s", "s");
    }
    Duration d = Duration.ofMillis(millis);
    if (d.toHours() == 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return d.toHours() + "h " + d.toMinutesPart() + "m";
  }
}
