package dev.redrive.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code redrive inspect <attempt-id>}: one attempt, and the retry context it was given. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    header = "Show one attempt, and the retry context it was given.",
    description =
        "Shows one attempt of a phase, as the retry-coordinator recorded it; with --context, also"
            + " the retry context it was given: every earlier attempt, how it failed, and the"
            + " guidance.")
final class InspectCommand extends ApiCommand {

  @Parameters(
      index = "0",
      paramLabel = "<attempt-id>",
      description = "attempt id (listed by redrive status)")
  String attemptId;

  @Option(names = "--context", description = "also show the retry context the attempt was given")
  boolean context;

  InspectCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    RedriveClient.Response response =
        client.get(
            Service.COORDINATOR, "/api/v1/attempts/" + segment(attemptId) + "?context=" + context);
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    printAttempt(answer.path("attempt"));
    if (context) {
      out().println();
      printContext(out(), answer.path("context"));
    } else {
      out().println();
      out()
          .println(
              "Show the retry context it was given: redrive inspect " + attemptId + " --context");
    }
    return ExitCodes.OK;
  }

  private void printAttempt(JsonNode attempt) {
    Text.Table table = new Text.Table();
    table.row("Attempt:", Json.text(attempt, "attemptId", attemptId));
    table.row("Execution:", Json.text(attempt, "executionId", "-"));
    table.row(
        "Phase:",
        Json.text(attempt, "phase", "?") + ", attempt " + Json.text(attempt, "attemptNumber", "?"));
    table.row("Outcome:", Json.text(attempt, "outcome", "?"));
    String failureType = Json.text(attempt.path("failureType"));
    if (failureType != null) {
      String exitCode = Json.text(attempt.path("exitCode"));
      table.row(
          "Failure:", failureType + (exitCode == null ? "" : " (exit code " + exitCode + ")"));
    }
    String error = Json.text(attempt.path("errorMessage"));
    if (error != null) {
      table.row("Error:", Text.oneLine(error, 300));
    }
    String duration = Json.text(attempt.path("durationMs"));
    if (duration != null) {
      table.row("Duration:", duration + " ms");
    }
    String artifacts = Json.text(attempt.path("artifactsLocation"));
    if (artifacts != null) {
      table.row("Artifacts:", artifacts);
    }
    String command = Json.text(attempt.path("commandId"));
    table.row("Started by:", command == null ? "the pipeline (first attempt)" : "retry " + command);
    table.row("Occurred:", Json.text(attempt, "occurredAt", "-"));
    table.print(out(), "");
  }

  static void printContext(PrintWriter out, JsonNode context) {
    if (context == null || context.isMissingNode() || context.isNull()) {
      out.println("Retry context: none (this attempt was not started by a retry command)");
      return;
    }
    // as dev.redrive.contract.AttemptBound.describe words it: no bound when it is unknown
    String bound = Json.text(context.path("maxAttempts"));
    out.println(
        "Retry context (attempt "
            + Json.text(context, "currentAttempt", "?")
            + (bound == null ? "" : " of " + bound)
            + " of phase "
            + Json.text(context, "phase", "?")
            + "):");
    out.println("  Earlier attempts:");
    for (JsonNode prior : context.path("priorAttempts")) {
      StringBuilder line = new StringBuilder("    attempt ");
      line.append(Json.text(prior, "attemptNumber", "?"));
      line.append("  ").append(Json.text(prior, "failureType", "?"));
      String exitCode = Json.text(prior.path("exitCode"));
      if (exitCode != null) {
        line.append("  exit ").append(exitCode);
      }
      line.append("  ").append(Text.oneLine(Json.text(prior.path("message")), 160));
      out.println(line.toString().stripTrailing());
      for (JsonNode check : prior.path("failedChecks")) {
        out.println(
            "      check "
                + Json.text(check, "name", "?")
                + " failed: "
                + Text.oneLine(Json.text(check.path("outputExcerpt")), 140));
      }
      String artifacts = Json.text(prior.path("artifactsLocation"));
      if (artifacts != null) {
        out.println("      artifacts: " + artifacts);
      }
    }
    if (!context.path("notes").isEmpty()) {
      out.println("  Notes:");
      context.path("notes").forEach(note -> out.println("    - " + Json.text(note)));
    }
    String guidance = Json.text(context.path("guidance"));
    if (guidance != null) {
      out.println("  Guidance:");
      guidance.strip().lines().forEach(line -> out.println("    " + line));
    }
    if (context.path("truncated").asBoolean(false)) {
      out.println("  (older excerpts were trimmed to keep the context within its size bound)");
    }
  }
}
