package dev.redrive.cli;

import java.time.Duration;
import java.time.Instant;
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
 * {@code redrive retry <id>}: asks the retry-coordinator to retry a failed (paused) execution, in
 * place from its failed phase or another one, or as a new execution with the same inputs.
 */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    header = "Retry a failed execution, or every paused one that matches.",
    description = {
      "Asks the retry-coordinator to retry a failed (paused) execution: in place from the phase"
          + " that failed (or --from another one), or with --new as a new execution with the"
          + " same inputs. Refused (exit 3) unless the execution is paused, or --force is given;"
          + " even --force cannot retry in place an execution that is running, has a retry on its"
          + " way, or was cancelled (resume it with --from PHASE --force, or retry it --new).",
      "",
      "With --all instead of an id, retries every paused execution that matches --pipeline,"
          + " --phase, --failure-type, --since and --until (bulk retry), --stagger apart."
    })
final class RetryCommand extends ApiCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<id>",
      description = "execution id (exec_...); omitted with --all")
  String executionId;

  @Option(names = "--all", description = "retry every paused execution that matches the filters")
  boolean all;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "with --all: of this pipeline")
  String pipeline;

  @Option(names = "--phase", paramLabel = "PHASE", description = "with --all: paused at this phase")
  String phase;

  @Option(
      names = "--failure-type",
      paramLabel = "TYPE",
      description = "with --all: whose last failure is of this type, e.g. TIMEOUT")
  String failureType;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "with --all: paused at or after, e.g. 2026-11-23T00:00:00Z or 2h (ago)")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "with --all: paused before, an instant or a duration ago")
  String until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "with --all: retry at most N executions (default: 100)")
  Integer limit;

  @Option(
      names = "--stagger",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "with --all: pause between two retries (default: 1s)")
  Duration stagger;

  @Option(names = "--force", description = "retry even if the execution is not failed")
  boolean force;

  @Option(
      names = "--reset-count",
      description = "set the phase's failed-attempt count to zero first (audited)")
  boolean resetCount;

  @Option(
      names = "--from",
      paramLabel = "PHASE",
      description = "roll back to this phase's checkpoint and resume there (later phases cleared)")
  String fromPhase;

  @Option(names = "--dry-run", description = "show which phases would run, change nothing")
  boolean dryRun;

  @Option(
      names = "--new",
      description = "resubmit as a new execution with the same pipeline and inputs")
  boolean asNew;

  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "why you retry; kept in the audit trail and given to the retried phase")
  String note;

  @Mixin RequesterOption requester;

  RetryCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (all) {
      return retryAll(client);
    }
    if (executionId == null) {
      throw new UsageException("give an execution id, or --all with filters");
    }
    if (pipeline != null
        || phase != null
        || failureType != null
        || since != null
        || until != null
        || limit != null
        || stagger != null) {
      throw new UsageException(
          "--pipeline, --phase, --failure-type, --since, --until, --limit and --stagger go with"
              + " --all");
    }
    String path = "/api/v1/executions/" + segment(executionId);
    JsonNode before = null;
    if (!json() && !dryRun && !asNew) {
      before = Json.parse(client.get(Service.COORDINATOR, path + "/status").body());
    }
    RedriveClient.Response response;
    try {
      response = client.postJson(Service.COORDINATOR, path + "/retry", Json.write(request()));
    } catch (ApiException e) {
      if (e.status() == 409 && !json() && e.member("currentStatus") != null) {
        if ("Cannot retry".equals(e.member("title"))) {
          printRefusal(e.member("currentStatus"));
        } else {
          // not even --force helps (a phase runs, a retry is on its way, or it was cancelled)
          printNotRunnable(e.member("detail"), e.member("currentStatus"));
        }
        return ExitCodes.REFUSED;
      }
      throw e;
    }
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    if (answer.path("dryRun").asBoolean(false)) {
      printDryRun(answer);
    } else if ("RESUBMIT_AS_NEW".equals(Json.text(answer.path("mode"))) || asNew) {
      printResubmitted(answer);
    } else {
      printRetriedInPlace(answer, before);
    }
    return ExitCodes.OK;
  }

  private int retryAll(RedriveClient client) {
    if (executionId != null) {
      throw new UsageException("--all retries every matching execution: give no id with it");
    }
    if (force || resetCount || fromPhase != null || asNew) {
      throw new UsageException("--force, --reset-count, --from and --new need one execution id");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pipeline", pipeline);
    body.put("phase", phase);
    body.put("failureType", failureType);
    body.put("from", Moments.instant("--since", since, Instant.now()));
    body.put("to", Moments.instant("--until", until, Instant.now()));
    body.put("limit", limit);
    body.put("stagger", stagger == null ? null : stagger.toString());
    body.put("note", note);
    body.put("requestedBy", requester.name(console));
    body.put("dryRun", dryRun);
    RedriveClient.Response response =
        client.postJson(Service.COORDINATOR, "/api/v1/retries", Json.write(body));
    if (json()) {
      out().println(response.body());
      return ExitCodes.OK;
    }
    JsonNode answer = Json.parse(response.body());
    List<String> ids = new ArrayList<>();
    answer.path("executionIds").forEach(id -> ids.add(id.asString()));
    if (ids.isEmpty()) {
      out().println("No paused execution matches.");
      return ExitCodes.OK;
    }
    out()
        .println(
            (dryRun ? "Dry run: nothing was changed. Would retry " : "Retry started for ")
                + ids.size()
                + (ids.size() == 1 ? " paused execution:" : " paused executions:"));
    ids.forEach(id -> out().println("  " + id));
    out().println();
    if (dryRun) {
      out().println("Run it: the same command without --dry-run");
    } else {
      out().println("Check status: redrive status <id>");
    }
    return ExitCodes.OK;
  }

  private Map<String, Object> request() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", UUID.randomUUID().toString());
    body.put("mode", asNew ? "RESUBMIT_AS_NEW" : "RETRY_IN_PLACE");
    body.put("force", force);
    body.put("resetCount", resetCount);
    body.put("fromPhase", fromPhase);
    body.put("note", note);
    body.put("dryRun", dryRun);
    body.put("requestedBy", requester.name(console));
    return body;
  }

  private void printRetriedInPlace(JsonNode answer, JsonNode before) {
    String id = Json.text(answer, "executionId", executionId);
    String phase = Json.text(answer.path("phase"));
    out().println("Retry started: " + id + (phase == null ? "" : " from phase " + phase));
    String previousError = before == null ? null : Json.text(before.path("lastError"));
    if (previousError != null) {
      out().println("Previous error: " + Text.oneLine(previousError, 300));
    }
    if (answer.path("forced").asBoolean(false) && before != null) {
      out().println("Forced: the execution was " + Json.text(before, "status", "not failed") + ".");
    }
    if (answer.path("countReset").asBoolean(false)) {
      out()
          .println(
              "Attempt count reset: phase "
                  + (phase == null ? "" : phase + " ")
                  + "starts again at 1.");
    }
    out().println();
    out().println("Monitor progress: redrive status " + id);
  }

  private void printResubmitted(JsonNode answer) {
    String id = Json.text(answer, "executionId", "?");
    out().println("Retry started: " + id);
    out().println("Original: " + Json.text(answer, "originalExecutionId", executionId));
    out().println("Status: " + Json.text(answer, "status", "queued"));
    out().println();
    out().println("Check status: redrive status " + id);
    out().println("View events: redrive events list " + id);
  }

  private void printDryRun(JsonNode answer) {
    String id = Json.text(answer, "executionId", executionId);
    List<String> phases = new ArrayList<>();
    answer.path("phasesToRun").forEach(p -> phases.add(p.asString()));
    out().println("Dry run: nothing was changed.");
    out().println("Execution: " + id);
    out()
        .println(
            "Phases that would run: " + (phases.isEmpty() ? "none" : String.join(", ", phases)));
    out()
        .println(
            "Attempt count would be reset: "
                + (answer.path("wouldResetCount").asBoolean(false) ? "yes" : "no"));
    out().println();
    out().println("Run it: redrive retry " + id + flagsWithoutDryRun());
  }

  private void printRefusal(String currentStatus) {
    err().println("Cannot retry - process is not in failed status.");
    err().println();
    err().println("Current status: " + currentStatus);
    err().println();
    err().println("Retry is only available for failed processes.");
    err().println("Use redrive status " + executionId + " for more details.");
  }

  private void printNotRunnable(String detail, String currentStatus) {
    err().println(Text.oneLine(detail == null ? "Cannot retry now." : detail, 2_000));
    err().println();
    err().println("Current status: " + currentStatus);
    err().println("Use redrive status " + executionId + " for more details.");
  }

  private String flagsWithoutDryRun() {
    StringBuilder flags = new StringBuilder();
    if (force) {
      flags.append(" --force");
    }
    if (resetCount) {
      flags.append(" --reset-count");
    }
    if (fromPhase != null) {
      flags.append(" --from ").append(fromPhase);
    }
    if (asNew) {
      flags.append(" --new");
    }
    return flags.toString();
  }
}
