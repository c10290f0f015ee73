package dev.redrive.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive resume <id>}: the phase-runner resumes an execution at a phase, restoring the
 * earlier phases' checkpoints.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    header = "Resume an execution on the phase-runner from a phase.",
    description = {
      "Restores the checkpoints of the phases before it, archives and clears that phase and every"
          + " later one, and runs it again. Without --from: the first phase that is not complete.",
      "Prefer 'redrive retry <id> --from PHASE', which the retry-coordinator also audits and"
          + " counts; use resume when the coordinator is away."
    })
final class ResumeCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "<id>", description = "execution id")
  String executionId;

  @Option(names = "--from", paramLabel = "PHASE", description = "the phase to run again")
  String fromPhase;

  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "why you resume; kept with the execution")
  String note;

  @Mixin RequesterOption requester;

  ResumeCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("fromPhase", fromPhase);
    body.put("note", note);
    body.put("requestedBy", requester.name(console));
    body.put("requestId", UUID.randomUUID().toString());
    RedriveClient.Response response =
        client.postJson(
            Service.RUNNER,
            "/api/v1/executions/" + segment(executionId) + "/resume",
            Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    String id = Json.text(answer, "executionId", executionId);
    out().println(Json.text(answer, "message", "Resumed " + id));
    List<String> cleared = new ArrayList<>();
    answer.path("clearedPhases").forEach(phase -> cleared.add(phase.asString()));
    if (!cleared.isEmpty()) {
      out().println("Cleared phases: " + String.join(", ", cleared));
    }
    String archive = Json.text(answer.path("archive"));
    if (archive != null) {
      out().println("Their files were archived in: " + archive);
    }
    out().println();
    out().println("Check status: redrive status " + id);
    return ExitCodes.OK;
  }
}
