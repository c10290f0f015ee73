package dev.redrive.audit.web;

import dev.redrive.contract.AttemptBound;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;

/**
 * One line per event for people. A decision says why (reason), under which policy, and whether a
 * person asked for it (by whom, forced or not); a failure says its type and message.
 */
final class EventSummaries {

  private static final int MAX_QUOTE = 200;

  private EventSummaries() {}

  /** The summary of an event, given its type and the whole decoded event. */
  static String describe(String type, JsonNode event) {
    JsonNode p = body(event);
    return switch (type) {
      case "ExecutionStarted" ->
          "execution of pipeline %s started; phases: %s%s"
              .formatted(
                  text(event, "pipeline"),
                  joined(p.path("phases")),
                  p.path("parameters").isEmpty()
                      ? ""
                      : "; parameters: " + pairs(p.path("parameters")));
      case "AttemptStarted" ->
          "%s attempt %s started%s"
              .formatted(
                  text(p, "phase"),
                  text(p, "attemptNumber"),
                  has(p, "commandId") ? " (retry command " + text(p, "commandId") + ")" : "");
      case "PhaseStarted" ->
          "phase %s running (attempt %s)".formatted(text(p, "phase"), text(p, "attemptNumber"));
      case "AttemptSucceeded" ->
          "%s attempt %s succeeded in %s ms"
              .formatted(text(p, "phase"), text(p, "attemptNumber"), text(p, "durationMs"));
      case "AttemptFailed" ->
          "%s attempt %s failed: %s (%s) %s%s"
              .formatted(
                  text(p, "phase"),
                  text(p, "attemptNumber"),
                  text(p, "failureType"),
                  text(p, "retryable"),
                  quote(text(p, "errorMessage")),
                  failedChecks(p));
      case "CheckpointCreated" ->
          "checkpoint of %s (%d files)".formatted(text(p, "phase"), p.path("files").size());
      case "RolledBack" ->
          "rolled back to %s; cleared %s%s"
              .formatted(text(p, "toPhase"), joined(p.path("clearedPhases")), by(p));
      case "ExecutionSucceeded" -> "execution succeeded in %s ms".formatted(text(p, "durationMs"));
      case "ExecutionHalted" ->
          "execution halted in %s: %s".formatted(text(p, "phase"), quote(text(p, "reason")));
      case "ExecutionCancelled" ->
          "execution cancelled%s: %s".formatted(by(p), quote(text(p, "reason")));
      case "RetryScheduled" ->
          "retry of %s as %s in %s ms, because %s; policy: %s; %s"
              .formatted(
                  text(p, "phase"),
                  attempt(p, "attemptNumber"),
                  text(p, "delayMs"),
                  quote(text(p, "reason")),
                  text(p, "policy"),
                  requester(p) + note(p));
      case "RetryContextAssembled" -> context(p.path("context"));
      case "RetryCommand" ->
          "retry command for %s %s, not before %s"
              .formatted(
                  text(p, "phase"), attempt(p, "attemptNumber"), instant(p.path("notBefore")));
      case "RetryRejected" ->
          "retry refused: %s (status %s)%s%s"
              .formatted(
                  quote(text(p, "reason")),
                  text(p, "currentStatus"),
                  has(p, "requestId") ? "; request " + text(p, "requestId") : "",
                  has(p, "requestedBy") ? "; requested by " + text(p, "requestedBy") : "");
      case "InterventionRequired" ->
          "%s needs a person after %s (%s): %s; recommended: %s"
              .formatted(
                  text(p, "phase"),
                  attempt(p, "attemptNumber"),
                  text(p, "failureType"),
                  quote(text(p, "reason")),
                  quote(text(p, "recommendedAction")));
      case "ExecutionResubmitted" ->
          "resubmitted as new execution %s (request %s)%s"
              .formatted(text(p, "newExecutionId"), text(p, "requestId"), by(p));
      case "AttemptCountReset" ->
          "%s reset the attempt count of %s (was %s)%s"
              .formatted(
                  text(p, "requestedBy"), text(p, "phase"), text(p, "previousCount"), note(p));
      case "StartExecution" ->
          "start of pipeline %s requested%s%s"
              .formatted(
                  text(p, "pipeline"),
                  has(p, "requestedBy") ? " by " + text(p, "requestedBy") : "",
                  has(p, "resubmitOf") ? " as a resubmission of " + text(p, "resubmitOf") : "");
      case "Rollback" ->
          "rollback to %s requested%s%s"
              .formatted(
                  text(p, "toPhase"),
                  has(p, "requestedBy") ? " by " + text(p, "requestedBy") : "",
                  note(p));
      case "Cancel" -> "cancellation requested%s: %s".formatted(by(p), quote(text(p, "reason")));
      case "RetryRequested" -> retryRequested(p);
      case "RetriesPaused" ->
          "%s paused %s: %s"
              .formatted(
                  has(p, "requestedBy") ? text(p, "requestedBy") : "someone",
                  pauseScope(p),
                  quote(text(p, "reason")));
      case "RetriesUnpaused" ->
          "%s unpaused %s: %s held commands released%s%s"
              .formatted(
                  has(p, "requestedBy") ? text(p, "requestedBy") : "someone",
                  pauseScope(p),
                  text(p, "releasedCommands"),
                  p.path("staggerMs").asLong() > 0 ? ", " + text(p, "staggerMs") + " ms apart" : "",
                  note(p));
      case "DeadLettersReplayed" ->
          "%s %s %s of %s dead letters (%s)%s; %s skipped, %s failed%s"
              .formatted(
                  has(p, "requestedBy") ? text(p, "requestedBy") : "someone",
                  p.path("dryRun").asBoolean() ? "dry-ran a replay: would replay" : "replayed",
                  text(p, "replayed"),
                  text(p, "matched"),
                  text(p, "selection"),
                  p.path("forced").asBoolean() ? ", forced" : "",
                  text(p, "skipped"),
                  text(p, "failed"),
                  note(p));
      case "PolicyChanged" ->
          "%s changed %s (version %s): %s; reason: %s"
              .formatted(
                  has(p, "requestedBy") ? text(p, "requestedBy") : origin(text(p, "origin")),
                  "execution".equals(text(p, "scope"))
                      ? "the retry policy of execution " + text(p, "policyExecutionId")
                      : "the retry policies",
                  text(p, "version"),
                  text(p, "summary"),
                  quote(text(p, "reason")));
      default -> type;
    };
  }

  /** The payload of an envelope; the event itself for a flat event such as RetryRequested. */
  static JsonNode body(JsonNode event) {
    JsonNode payload = event.path("payload");
    return payload.isObject() ? payload : event;
  }

  /** A field as text; null when missing or null. */
  /** The attempt a payload names, with its bound when the payload names one. */
  private static String attempt(JsonNode node, String numberField) {
    JsonNode bound = node.path("maxAttempts");
    return AttemptBound.describe(
        node.path(numberField).asInt(), bound.isNumber() ? bound.asInt() : null);
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asString();
  }

  static boolean has(JsonNode node, String field) {
    String value = text(node, field);
    return value != null && !value.isBlank();
  }

  /** An epoch-millisecond timestamp (as Avro writes them) as an ISO instant. */
  static String instant(JsonNode millis) {
    return millis.isNumber() ? Instant.ofEpochMilli(millis.asLong()).toString() : millis.asString();
  }

  /** Who asked for a retry, or that the policy did it on its own. */
  static String requester(JsonNode p) {
    if (!has(p, "requestedBy")) {
      return p.path("forced").asBoolean() ? "automatic, forced" : "automatic";
    }
    return "requested by "
        + text(p, "requestedBy")
        + (p.path("forced").asBoolean() ? ", forced" : "")
        + (has(p, "requestId") ? " (request " + text(p, "requestId") + ")" : "");
  }

  private static String retryRequested(JsonNode p) {
    List<String> options = new ArrayList<>();
    options.add(text(p, "mode"));
    if (p.path("force").asBoolean()) {
      options.add("force");
    }
    if (p.path("resetCount").asBoolean()) {
      options.add("reset count");
    }
    if (has(p, "fromPhase")) {
      options.add("from " + text(p, "fromPhase"));
    }
    if (p.path("dryRun").asBoolean()) {
      options.add("dry run");
    }
    return "%s asked for a retry (%s)%s"
        .formatted(text(p, "requestedBy"), String.join(", ", options), note(p));
  }

  private static String context(JsonNode context) {
    String guidance = text(context, "guidance");
    return "context for %s %s: %d prior attempt(s), %d note(s); guidance: %s"
        .formatted(
            text(context, "phase"),
            attempt(context, "currentAttempt"),
            context.path("priorAttempts").size(),
            context.path("notes").size(),
            quote(guidance == null ? null : guidance.lines().findFirst().orElse("")));
  }

  private static String failedChecks(JsonNode p) {
    StringJoiner failed = new StringJoiner(", ", "; failed checks: ", "").setEmptyValue("");
    p.path("checks")
        .forEach(
            check -> {
              if (!check.path("passed").asBoolean()) {
                failed.add(check.path("name").asString());
              }
            });
    return failed.toString();
  }

  /** " by <who>" when the payload names who asked, else nothing. */
  private static String by(JsonNode p) {
    return has(p, "requestedBy") ? " by " + text(p, "requestedBy") : "";
  }

  private static String note(JsonNode p) {
    return has(p, "note") ? ": " + quote(text(p, "note")) : "";
  }

  private static String joined(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(item -> items.add(item.asString()));
    return String.join(", ", items);
  }

  private static String pairs(JsonNode map) {
    StringJoiner pairs = new StringJoiner(", ");
    map.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asString()));
    return pairs.toString();
  }

  private static String quote(String text) {
    if (text == null) {
      return "\"\"";
    }
    String line = text.strip().replace('\n', ' ');
    return "\""
        + (line.length() > MAX_QUOTE ? line.substring(0, MAX_QUOTE - 3) + "..." : line)
        + "\"";
  }

  /** The scope of a RetriesPaused or RetriesUnpaused decision in words. */
  private static String pauseScope(JsonNode p) {
    return switch (String.valueOf(text(p, "scope"))) {
      case "all" -> "every retry";
      case "pipeline" -> "the retries of pipeline " + text(p, "pipeline");
      case "phase" ->
          "the retries of phase %s of pipeline %s".formatted(text(p, "phase"), text(p, "pipeline"));
      default -> "the retries of execution " + text(p, "pausedExecutionId");
    };
  }

  /** Who changed policies when no person is named: the configuration, the coordinator, someone. */
  private static String origin(String origin) {
    return switch (origin == null ? "" : origin) {
      case "configuration" -> "the configuration";
      case "coordinator" -> "the coordinator";
      default -> "someone";
    };
  }
}
