package dev.redrive.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive status <id>}: where an execution stands, as the retry-coordinator knows it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show where an execution stands.",
    description =
        "Shows an execution's status, current phase, last error, phases and attempts, as the"
            + " retry-coordinator knows them.")
final class StatusCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<id>", description = "execution id (exec_...)")
  String executionId;

  StatusCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    RedriveClient.Response response =
        client.get(Service.COORDINATOR, "/api/v1/executions/" + segment(executionId));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    print(Json.parse(response.body()), client.url(Service.AUDIT) + "/executions/");
    return ExitCodes.OK;
  }

  private void print(JsonNode execution, String timelinePage) {
    String id = Json.text(execution, "executionId", executionId);
    String status = Json.text(execution, "status", "UNKNOWN");
    Text.Table summary = new Text.Table();
    summary.row("Execution:", id);
    summary.row("Pipeline:", Json.text(execution, "pipeline", "-"));
    summary.row("Status:", status);
    summary.row("Current phase:", Json.text(execution, "currentPhase", "-"));
    String lastError = Json.text(execution.path("lastError"));
    if (lastError != null) {
      summary.row("Last error:", Text.oneLine(lastError, 160));
    }
    StringBuilder counts = new StringBuilder();
    for (Map.Entry<String, JsonNode> entry : execution.path("failedAttemptsByPhase").properties()) {
      counts.append(counts.isEmpty() ? "" : ", ").append(entry.getKey()).append(' ');
      counts.append(entry.getValue().asInt());
    }
    if (!counts.isEmpty()) {
      summary.row("Failed attempts:", counts.toString());
    }
    for (JsonNode pause : execution.path("retriesPaused")) {
      summary.row(
          "Retries paused:",
          Json.text(pause, "description", "?")
              + " by "
              + Json.text(pause, "requestedBy", "(not named)")
              + ": "
              + Text.oneLine(Json.text(pause.path("reason")), 100));
    }
    summary.row("Updated:", Json.text(execution, "updatedAt", "-"));
    summary.print(out(), "");

    Text.Table chain = new Text.Table();
    for (JsonNode phase : execution.path("chain")) {
      chain.row(
          Json.text(phase, "phase", "?"),
          Json.text(phase, "state", "?"),
          Text.oneLine(Json.text(phase.path("lastError")), 100));
    }
    if (!chain.isEmpty()) {
      out().println();
      out().println("Phases:");
      chain.print(out(), "  ");
    }

    Text.Table attempts = new Text.Table();
    for (JsonNode attempt : execution.path("attempts")) {
      attempts.row(
          Json.text(attempt, "phase", "?"),
          "attempt " + Json.text(attempt, "attemptNumber", "?"),
          Json.text(attempt, "outcome", "?"),
          Json.text(attempt, "failureType", ""),
          Json.text(attempt, "attemptId", ""),
          Json.text(attempt, "occurredAt", ""));
    }
    if (!attempts.isEmpty()) {
      out().println();
      out().println("Attempts:");
      attempts.print(out(), "  ");
    }

    out().println();
    if (ExecutionStatuses.PAUSED.equals(status)) {
      out().println("Retry it: redrive retry " + id + "   (see redrive retry --help)");
    } else if (ExecutionStatuses.MOVING.contains(status)) {
      out().println("Follow it: redrive events stream " + id);
    }
    out().println("View events: redrive events list " + id);
    out().println("Inspect an attempt: redrive inspect <attempt-id> --context");
    out().println("Timeline page: " + timelinePage + segment(id));
  }
}
