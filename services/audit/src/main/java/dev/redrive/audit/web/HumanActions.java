package dev.redrive.audit.web;

import static dev.redrive.audit.web.EventSummaries.body;
import static dev.redrive.audit.web.EventSummaries.has;
import static dev.redrive.audit.web.EventSummaries.text;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What people did to an execution, as the audit page's "Human actions" table shows it: requests
 * (retries, resumes, resubmissions, cancels, pauses, count resets, refused requests) and what the
 * services did at a person's request, with who asked and the note or reason they gave. An event
 * that only carries out the command listed just before it (the runner's {@code RolledBack} after a
 * {@code Rollback}, {@code ExecutionCancelled} after a {@code Cancel}) is not listed again.
 */
final class HumanActions {

  /** One row: when, who ("(not named)" when nobody was), the event type, its summary, the note. */
  record Action(Instant when, String who, String type, String summary, String note) {}

  /** The runner's events that carry out a command, and that command's type. */
  private static final Map<String, String> CARRIED_OUT =
      Map.of("RolledBack", "Rollback", "ExecutionCancelled", "Cancel");

  private HumanActions() {}

  /** The human actions of a timeline, oldest first. */
  static List<Action> of(List<TimelineEntry> timeline) {
    List<Action> actions = new ArrayList<>();
    for (TimelineEntry entry : timeline) {
      JsonNode p = body(entry.payload());
      if (!human(entry.type(), p) || carriesOutTheLast(actions, entry.type(), p)) {
        continue;
      }
      String who = text(p, "requestedBy");
      actions.add(
          new Action(
              entry.occurredAt().truncatedTo(ChronoUnit.MILLIS),
              who == null ? "(not named)" : who,
              entry.type(),
              entry.summary(),
              note(entry.type(), p)));
    }
    return actions;
  }

  /** Whether the event is a person's request, or names the person it was done for. */
  private static boolean human(String type, JsonNode p) {
    return switch (type) {
      case "RetryRequested",
          "AttemptCountReset",
          "Rollback",
          "Cancel",
          "RetriesPaused",
          "RetriesUnpaused",
          "DeadLettersReplayed",
          "ExecutionResubmitted" ->
          true;
      case "StartExecution", "RetryRejected", "ExecutionCancelled", "RolledBack" ->
          has(p, "requestedBy");
      case "RetryScheduled" -> has(p, "requestedBy") || has(p, "note");
      case "PolicyChanged" -> "api".equals(text(p, "origin"));
      default -> false;
    };
  }

  /** The person's note; for a cancel or a pause, the reason they gave. */
  private static String note(String type, JsonNode p) {
    if (has(p, "note")) {
      return text(p, "note");
    }
    return switch (type) {
      case "Cancel", "ExecutionCancelled", "RetriesPaused", "PolicyChanged" -> text(p, "reason");
      default -> null;
    };
  }

  private static boolean carriesOutTheLast(List<Action> actions, String type, JsonNode p) {
    String command = CARRIED_OUT.get(type);
    if (command == null || actions.isEmpty()) {
      return false;
    }
    Action last = actions.get(actions.size() - 1);
    return last.type().equals(command) && last.who().equals(text(p, "requestedBy"));
  }

  /** The "Human actions" section of the page. */
  static void render(Html html, List<TimelineEntry> timeline) {
    html.raw("<section id=\"human-actions\"><h2>Human actions</h2>");
    List<Action> actions = of(timeline);
    if (actions.isEmpty()) {
      html.raw("<p class=\"muted\">No person has acted on this execution.</p></section>");
      return;
    }
    html.raw("<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>What</th>")
        .raw("<th>Note</th></tr></thead><tbody>");
    for (Action action : actions) {
      html.raw("<tr class=\"human-action\" data-type=\"")
          .text(action.type())
          .raw("\"><td><time>")
          .text(action.when().toString())
          .raw("</time></td><td class=\"who\">")
          .text(action.who())
          .raw("</td><td>")
          .text(action.type())
          .raw("</td><td>")
          .text(action.summary())
          .raw("</td><td class=\"note\">")
          .text(action.note() == null ? "" : action.note())
          .raw("</td></tr>");
    }
    html.raw("</tbody></table></section>");
  }
}
