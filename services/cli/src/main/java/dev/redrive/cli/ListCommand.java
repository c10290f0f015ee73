package dev.redrive.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code redrive list}: the executions the retry-coordinator knows, most recently changed first,
 * filtered; it follows the API's pages until it has {@code --limit} executions or there are no
 * more.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List executions, most recently changed first.",
    description = {
      "Lists the executions the retry-coordinator knows, filtered by pipeline, status, phase,"
          + " failure type, time of the last change and text.",
      "",
      "Examples:",
      "  redrive list --status paused",
      "  redrive list --pipeline demo --since 1h -o jsonl",
      "  redrive list --text 'connection refused' --all -o json"
    })
final class ListCommand extends ApiCommand {

  /** The largest page the API gives. */
  static final int PAGE = 500;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "only this pipeline")
  String pipeline;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "only this status: running, retry_scheduled, paused, succeeded, cancelled")
  String status;

  @Option(names = "--phase", paramLabel = "PHASE", description = "only executions at this phase")
  String phase;

  @Option(
      names = "--failure-type",
      paramLabel = "TYPE",
      description = "only executions whose last failure has this type, e.g. timeout")
  String failureType;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "changed at or after: an instant (2026-12-06T09:00:00Z) or a duration ago (2h)")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "changed before: an instant or a duration ago")
  String until;

  @Option(
      names = {"-q", "--text"},
      paramLabel = "TEXT",
      description = "a piece of the execution id, the pipeline or the last error")
  String text;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "at most this many executions (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--all", description = "every matching execution, however many")
  boolean all;

  /** The window as instants, fixed once so that every page asks the same. */
  private String from;

  private String to;

  ListCommand(Console console) {
    super(console);
  }

  @Override
  int run(RedriveClient client) {
    if (limit < 1) {
      throw new UsageException("--limit must be 1 or more, was " + limit);
    }
    Instant now = Instant.now();
    from = Moments.instant("--since", since, now);
    to = Moments.instant("--until", until, now);
    List<JsonNode> executions = new ArrayList<>();
    String after = null;
    boolean more;
    do {
      int page = all ? PAGE : Math.min(PAGE, limit - executions.size());
      JsonNode answer =
          Json.parse(
              client.get(Service.COORDINATOR, "/api/v1/executions" + query(page, after)).body());
      answer.path("executions").forEach(executions::add);
      after = Json.text(answer.path("next"));
      more = after != null;
    } while (more && (all || executions.size() < limit));
    print(executions, more);
    return ExitCodes.OK;
  }

  private String query(int page, String after) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("pipeline", pipeline);
    parameters.put("status", status);
    parameters.put("phase", phase);
    parameters.put("failureType", failureType);
    parameters.put("from", from);
    parameters.put("to", to);
    parameters.put("q", text);
    parameters.put("limit", Integer.toString(page));
    parameters.put("after", after);
    StringBuilder query = new StringBuilder();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            query.append(query.isEmpty() ? '?' : '&').append(name).append('=');
            query.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    return query.toString();
  }

  private void print(List<JsonNode> executions, boolean more) {
    switch (output()) {
      case JSON -> out().println(Json.write(executions));
      case JSONL -> executions.forEach(x -> out().println(Json.write(x)));
      case TABLE -> table(executions, more);
    }
  }

  private void table(List<JsonNode> executions, boolean more) {
    if (executions.isEmpty()) {
      out().println("No executions match.");
      return;
    }
    Text.Table table = new Text.Table();
    table.row("EXECUTION", "PIPELINE", "STATUS", "PHASE", "UPDATED", "LAST ERROR");
    for (JsonNode x : executions) {
      table.row(
          Json.text(x, "executionId", "?"),
          Json.text(x, "pipeline", "-"),
          Json.text(x, "status", "?"),
          Json.text(x, "currentPhase", "-"),
          Json.text(x, "updatedAt", "-"),
          Text.oneLine(Json.text(x.path("lastError")), 80));
    }
    table.print(out(), "");
    if (more) {
      out().println();
      out()
          .println(
              "Showing the %d most recently changed; more with --limit %d or --all."
                  .formatted(executions.size(), executions.size() * 2));
    }
  }
}
