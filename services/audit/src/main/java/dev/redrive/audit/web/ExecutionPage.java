package dev.redrive.audit.web;

import static dev.redrive.audit.web.EventSummaries.body;
import static dev.redrive.audit.web.EventSummaries.text;

import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.contract.AttemptBound;
import dev.redrive.contract.ExecutionStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The HTML page of one execution, rendered on the server from its timeline: the attempts with their
 * outcome and failure type, the retry context each retry carried (guidance, prior attempts, notes),
 * the decisions with their reasons, what people did, and every event.
 */
final class ExecutionPage {

  private static final Set<String> DECISIONS =
      Set.of(
          "RetryScheduled",
          "RetryRejected",
          "InterventionRequired",
          "ExecutionResubmitted",
          "AttemptCountReset");

  static final String STYLE =
      """
      body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#1d2330}
      h1{font-size:1.5rem;margin:0 0 .3rem} h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #dde2ea}
      h3{font-size:1rem;margin:.2rem 0 .4rem} h4{font-size:.9rem;margin:.6rem 0 .2rem}
      code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
      pre{white-space:pre-wrap;word-break:break-word;background:#f5f7fa;padding:.5rem;margin:.3rem 0}
      table{border-collapse:collapse;width:100%} th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #eef1f5}
      th{font-size:.8rem;text-transform:uppercase;color:#5b6575}
      .status,.failure-type,.outcome{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.85rem;font-weight:600}
      .status-SUCCEEDED,.outcome-succeeded{background:#dff5e3;color:#17612a}
      .status-PAUSED,.status-HALTED,.outcome-failed{background:#fde2e1;color:#8c1d18}
      .status-RUNNING,.status-RETRY_SCHEDULED,.outcome-running{background:#e3edfd;color:#1b4b91}
      .status-CANCELLED{background:#eceff3;color:#444}
      .failure-type{background:#fff1d6;color:#7a4b00}
      .context{border-left:3px solid #6f8fd8;padding:.2rem .8rem;background:#f7f9fe}
      .meta,.muted{color:#5b6575} ol.timeline{padding-left:1.2rem} ol.timeline li{margin:.25rem 0}
      .type{font-weight:600} time{color:#5b6575;font-size:.85rem;margin-right:.4rem}
      details summary{cursor:pointer;color:#5b6575;font-size:.85rem}
      .why dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}
      .why dt{color:#5b6575} .why dd{margin:0}
      """;

  private ExecutionPage() {}

  /** The page of an execution with at least one event. */
  static String render(String executionId, List<TimelineEntry> timeline) {
    Html html = new Html();
    String pipeline =
        timeline.stream()
            .map(TimelineEntry::pipeline)
            .filter(p -> p != null)
            .findFirst()
            .orElse("(not named)");
    String status = status(timeline).name();
    html.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>Execution ")
        .text(executionId)
        .raw(" · Redrive audit</title><style>")
        .raw(STYLE)
        .raw("</style></head><body><header><h1>Execution <code id=\"execution-id\">")
        .text(executionId)
        .raw("</code></h1><p class=\"meta\">Pipeline <b id=\"pipeline\">")
        .text(pipeline)
        .raw("</b> · status <span id=\"status\" class=\"status status-")
        .text(status)
        .raw("\">")
        .text(status)
        .raw("</span> · ")
        .text(String.valueOf(timeline.size()))
        .raw(" events from ")
        .time(timeline.get(0).occurredAt())
        .raw(" to ")
        .time(timeline.get(timeline.size() - 1).occurredAt())
        .raw("</p><p class=\"meta\">")
        .link("/api/v1/executions/" + executionId + "/events", "timeline as JSON")
        .raw(" · ")
        .link("/api/v1/executions/" + executionId + "/report", "error report")
        .raw(" · ")
        .link("/api/v1/executions/" + executionId + "/events/stream", "live event stream")
        .raw(" · ")
        .link("/", "all executions")
        .raw("</p>");
    resubmissions(html, timeline);
    html.raw("</header>");
    attempts(html, timeline);
    AttemptComparisons.render(html, executionId, timeline);
    decisions(html, timeline);
    HumanActions.render(html, timeline);
    events(html, timeline);
    return html.raw("</body></html>").toString();
  }

  /** The page for an execution of which the audit trail has no event. */
  static String notFound(String executionId) {
    return new Html()
        .raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unknown")
        .raw(" execution · Redrive audit</title></head><body><h1>No events for execution <code>")
        .text(executionId)
        .raw("</code></h1><p>The audit trail has no event of this execution: check the id, or")
        .raw(" its events may be older than the retention.</p></body></html>")
        .toString();
  }

  /**
   * The status as the audit trail tells it, in the shared vocabulary: the last event that changes
   * it decides ({@link ExecutionSummary#statusAfter}, the rule the index keeps too).
   */
  static ExecutionStatus status(List<TimelineEntry> timeline) {
    ExecutionStatus status = ExecutionStatus.RUNNING;
    for (TimelineEntry entry : timeline) {
      status = ExecutionSummary.statusAfter(entry.type()).orElse(status);
    }
    return status;
  }

  /**
   * Links to the execution this one resubmits (its {@code StartExecution} names it) and to those
   * that resubmit it (its {@code ExecutionResubmitted} decisions), when there are any.
   */
  private static void resubmissions(Html html, List<TimelineEntry> timeline) {
    String original = null;
    List<String> resubmissions = new ArrayList<>();
    for (TimelineEntry entry : timeline) {
      JsonNode p = body(entry.payload());
      if ("StartExecution".equals(entry.type()) && original == null) {
        original = text(p, "resubmitOf");
      } else if ("ExecutionResubmitted".equals(entry.type())) {
        String id = text(p, "newExecutionId");
        if (id != null && !resubmissions.contains(id)) {
          resubmissions.add(id);
        }
      }
    }
    if (original != null || !resubmissions.isEmpty()) {
      html.raw("<p class=\"meta links\" id=\"resubmissions\">");
      IndexPage.links(html, original, resubmissions, resubmissions.size());
      html.raw("</p>");
    }
  }

  private static void attempts(Html html, List<TimelineEntry> timeline) {
    Map<String, PageAttempt> attempts = new LinkedHashMap<>();
    Map<String, JsonNode> contextsByCommand = new HashMap<>();
    Map<String, Integer> maxAttemptsByPhase = new HashMap<>();
    for (TimelineEntry entry : timeline) {
      JsonNode p = body(entry.payload());
      switch (entry.type()) {
        case "AttemptStarted", "AttemptSucceeded", "AttemptFailed" -> {
          PageAttempt attempt =
              attempts.computeIfAbsent(
                  text(p, "phase") + "#" + text(p, "attemptNumber"),
                  key -> new PageAttempt(text(p, "phase"), p.path("attemptNumber").asInt()));
          attempt.record(entry, p);
        }
        case "RetryContextAssembled", "RetryCommand" -> {
          contextsByCommand.putIfAbsent(text(p, "commandId"), p.path("context"));
          JsonNode context = p.path("context");
          maxAttemptsByPhase.put(text(context, "phase"), context.path("maxAttempts").asInt());
        }
        case "RetryScheduled", "InterventionRequired" ->
            maxAttemptsByPhase.put(text(p, "phase"), p.path("maxAttempts").asInt());
        default -> {}
      }
    }
    html.raw("<section id=\"attempts\"><h2>Attempts</h2>");
    if (attempts.isEmpty()) {
      html.raw("<p class=\"muted\">No attempt has been reported yet.</p></section>");
      return;
    }
    html.raw("<table><thead><tr><th>Phase</th><th>Attempt</th><th>Outcome</th>")
        .raw("<th>Failure type</th><th>What happened</th><th>Started</th></tr></thead><tbody>");
    for (PageAttempt attempt : attempts.values()) {
      Integer max = maxAttemptsByPhase.get(attempt.phase);
      html.raw("<tr class=\"attempt ")
          .text(attempt.outcome)
          .raw("\" data-phase=\"")
          .text(attempt.phase)
          .raw("\" data-attempt=\"")
          .text(String.valueOf(attempt.number))
          .raw("\"><td>")
          .text(attempt.phase)
          .raw("</td><td>")
          .text(AttemptBound.describe(attempt.number, max))
          .raw("</td><td><span class=\"outcome outcome-")
          .text(attempt.outcome)
          .raw("\">")
          .text(attempt.outcome)
          .raw("</span></td><td>");
      if (attempt.failureType != null) {
        html.raw("<span class=\"failure-type\">")
            .text(attempt.failureType)
            .raw("</span> ")
            .text(attempt.retryable == null ? "" : attempt.retryable);
      }
      html.raw("</td><td>").text(attempt.details()).raw("</td><td>");
      if (attempt.startedAt != null) {
        html.time(attempt.startedAt);
      }
      html.raw("</td></tr>");
      JsonNode context = contextFor(attempt, contextsByCommand);
      if (context != null) {
        contextRow(html, attempt, context);
      }
    }
    html.raw("</tbody></table></section>");
  }

  private static JsonNode contextFor(PageAttempt attempt, Map<String, JsonNode> contextsByCommand) {
    if (attempt.commandId != null && contextsByCommand.containsKey(attempt.commandId)) {
      return contextsByCommand.get(attempt.commandId);
    }
    for (JsonNode context : contextsByCommand.values()) {
      if (attempt.phase.equals(text(context, "phase"))
          && context.path("currentAttempt").asInt() == attempt.number) {
        return context;
      }
    }
    return null;
  }

  private static void contextRow(Html html, PageAttempt attempt, JsonNode context) {
    html.raw("<tr class=\"context-row\"><td colspan=\"6\"><div class=\"context\" data-phase=\"")
        .text(attempt.phase)
        .raw("\" data-attempt=\"")
        .text(String.valueOf(attempt.number))
        .raw("\"><h3>Retry context carried by ")
        .text(attempt.phase)
        .raw(" attempt ")
        .text(String.valueOf(attempt.number))
        .raw("</h3><h4>Guidance</h4><pre class=\"guidance\">")
        .text(text(context, "guidance"))
        .raw("</pre><h4>Prior attempts</h4><ul class=\"prior-attempts\">");
    for (JsonNode prior : context.path("priorAttempts")) {
      html.raw("<li>Attempt ")
          .text(text(prior, "attemptNumber"))
          .raw(": <span class=\"failure-type\">")
          .text(text(prior, "failureType"))
          .raw("</span> ")
          .text(text(prior, "message"));
      List<String> failedChecks = new ArrayList<>();
      prior.path("failedChecks").forEach(check -> failedChecks.add(text(check, "name")));
      if (!failedChecks.isEmpty()) {
        html.text("; failed checks: " + String.join(", ", failedChecks));
      }
      html.raw("</li>");
    }
    html.raw("</ul>");
    if (!context.path("notes").isEmpty()) {
      html.raw("<h4>Notes from people</h4><ul class=\"notes\">");
      context.path("notes").forEach(note -> html.raw("<li>").text(note.asString()).raw("</li>"));
      html.raw("</ul>");
    }
    if (context.path("truncated").asBoolean()) {
      html.raw("<p class=\"muted\">Older excerpts were trimmed to bound the size.</p>");
    }
    html.raw("</div></td></tr>");
  }

  private static void decisions(Html html, List<TimelineEntry> timeline) {
    html.raw("<section id=\"decisions\"><h2>Decisions</h2>");
    List<TimelineEntry> decisions =
        timeline.stream().filter(e -> DECISIONS.contains(e.type())).toList();
    if (decisions.isEmpty()) {
      html.raw("<p class=\"muted\">No decision yet.</p></section>");
      return;
    }
    html.raw("<ol class=\"decisions\">");
    for (TimelineEntry decision : decisions) {
      html.raw("<li class=\"decision\">")
          .time(decision.occurredAt())
          .raw("<span class=\"type\">")
          .text(decision.type())
          .raw("</span> ")
          .text(decision.summary());
      DecisionWhy.render(html, decision.payload());
      html.raw("</li>");
    }
    html.raw("</ol></section>");
  }

  private static void events(Html html, List<TimelineEntry> timeline) {
    html.raw("<section id=\"timeline\"><h2>Every event</h2><ol class=\"timeline\">");
    for (TimelineEntry entry : timeline) {
      html.raw("<li class=\"event\" id=\"event-")
          .text(entry.eventId())
          .raw("\" data-type=\"")
          .text(entry.type())
          .raw("\">")
          .time(entry.occurredAt())
          .raw("<span class=\"type\">")
          .text(entry.type())
          .raw("</span> <span class=\"summary\">")
          .text(entry.summary())
          .raw("</span><details><summary>")
          .text(
              entry.topic()
                  + " "
                  + entry.partition()
                  + "@"
                  + entry.offset()
                  + ", from "
                  + entry.source())
          .raw("</summary><pre>")
          .text(entry.payload().toString())
          .raw("</pre></details></li>");
    }
    html.raw("</ol></section>");
  }
}
