package dev.redrive.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive explain <id>}: why the coordinator decided what it did, and what comes next. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    header = "Explain an execution's last retry decision and the next one.",
    description =
        "Shows the coordinator's last decision about an execution (retry or pause), the policy"
            + " that applied and which layer set each of its fields (default, source, pipeline,"
            + " phase, declared, execution), the failure counter, the retry budget, how the delay"
            + " was computed (back-off, cap, jitter draw, Retry-After) and what would have changed"
            + " the outcome; then what the execution waits for and what the next failure would"
            + " bring under the policies in force now.")
final class ExplainCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<id>", description = "execution id (exec_...)")
  String executionId;

  ExplainCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    RedriveClient.Response response =
        client.get(Service.COORDINATOR, "/api/v1/executions/" + segment(executionId) + "/explain");
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    print(Json.parse(response.body()));
    return ExitCodes.OK;
  }

  private void print(JsonNode body) {
    JsonNode execution = body.path("execution");
    String id = Json.text(execution, "executionId", executionId);
    Text.Table head = new Text.Table();
    head.row("Execution:", id);
    head.row("Status:", Json.text(execution, "status", "UNKNOWN"));
    head.row("Current phase:", Json.text(execution, "currentPhase", "-"));
    head.print(out(), "");

    JsonNode last = body.path("last");
    out().println();
    if (last.isMissingNode() || last.isNull()) {
      out().println("Last decision: none yet (no failure was decided)");
    } else {
      printLast(last);
    }

    JsonNode next = body.path("next");
    out().println();
    out().println("Next:");
    Text.Table table = new Text.Table();
    table.row("Waiting for:", Text.oneLine(Json.text(next, "waitingFor", "-"), 200));
    String onNextFailure = Json.text(next.path("onNextFailure"));
    if (onNextFailure != null) {
      table.row(
          "If " + Json.text(next, "phase", "the phase") + " fails again:",
          Text.oneLine(onNextFailure, 240));
    }
    policyRows(table, next, " now");
    table.print(out(), "  ");
  }

  private void printLast(JsonNode last) {
    JsonNode why = last.path("why");
    String cause = Json.text(last.path("cause"));
    out()
        .println(
            "Last decision: %s%s about attempt %s of %s, at %s"
                .formatted(
                    Json.text(last, "outcome", "?"),
                    cause == null ? "" : " (" + cause + ")",
                    Json.text(last, "attemptNumber", "?"),
                    Json.text(last, "phase", "?"),
                    Json.text(last, "decidedAt", "?")));
    Text.Table table = new Text.Table();
    table.row("Reason:", Text.oneLine(Json.text(last, "reason", "-"), 240));
    policyRows(table, why, "");
    String formula = Json.text(why.path("delay").path("formula"));
    if (formula != null) {
      table.row("Delay:", Text.oneLine(formula, 240));
    }
    String due = Json.text(last.path("dueAt"));
    if (due != null) {
      table.row("Due at:", due);
    }
    String fingerprint = Json.text(why.path("fingerprint"));
    if (fingerprint != null) {
      table.row("Fingerprint:", fingerprint);
    }
    table.print(out(), "  ");
    List<String> changes = new ArrayList<>();
    why.path("wouldChange").forEach(change -> changes.add(Text.oneLine(Json.text(change), 300)));
    if (!changes.isEmpty()) {
      out().println("  What would change it:");
      changes.forEach(change -> out().println("    - " + change));
    }
  }

  /**
   * The policy with its version and the layers of its fields, the counter and the budget: what both
   * decisions show ({@code suffix} " now" for the next one).
   */
  private static void policyRows(Text.Table table, JsonNode node, String suffix) {
    table.row(
        "Policy" + suffix + ":",
        Json.text(node, "policy", "-")
            + " (version "
            + Json.text(node, "policyVersion", "0")
            + ")");
    table.row("Set by:", origins(node.path("origins")));
    table.row(
        "Counter:",
        Json.text(node, "failuresCounted", "0")
            + " failures counted, maxAttempts "
            + Json.text(node, "maxAttempts", "?"));
    for (JsonNode scope : node.path("budget")) {
      table.row("Budget" + suffix + ":", Text.oneLine(Json.text(scope), 240));
    }
  }

  /**
   * The layers that set the policy's fields: {@code phase demo/build: maxAttempts; default: ...}.
   */
  private static String origins(JsonNode origins) {
    Map<String, List<String>> byLayer = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : origins.properties()) {
      byLayer
          .computeIfAbsent(
              Text.oneLine(Json.text(field.getValue()), 120), layer -> new ArrayList<>())
          .add(field.getKey());
    }
    List<String> parts = new ArrayList<>();
    byLayer.forEach((layer, fields) -> parts.add(layer + ": " + String.join(", ", fields)));
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }
}
