package dev.redrive.cli;

import tools.jackson.databind.JsonNode;

/** One line per audit timeline entry, for people. */
final class EventFormat {

  private static final String[] FIELDS = {
    "phase",
    "attemptNumber",
    "failureType",
    "errorMessage",
    "delayMs",
    "reason",
    "requestedBy",
    "originalExecutionId",
    "newExecutionId",
    "recommendedAction"
  };

  private EventFormat() {}

  /**
   * {@code <occurredAt> <type padded> <details>}: the audit's one-line summary when it gives one,
   * else the payload's telling fields as {@code key=value}.
   */
  static String line(JsonNode entry) {
    String summary = Json.text(entry.path("summary"));
    String details =
        summary != null && !summary.isBlank()
            ? Text.oneLine(summary, 200)
            : details(entry.path("payload").path("payload"));
    return ("%-24s  %-22s %s")
        .formatted(Json.text(entry, "occurredAt", "-"), Json.text(entry, "type", "?"), details)
        .stripTrailing();
  }

  private static String details(JsonNode payload) {
    if (payload.isMissingNode() || payload.isNull() || !payload.isObject()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (String field : FIELDS) {
      String value = Json.text(payload.path(field));
      if (value != null) {
        text.append(field).append('=').append(Text.oneLine(value, 140)).append(' ');
      }
    }
    String guidance = Json.text(payload.path("context").path("guidance"));
    if (guidance != null) {
      text.append("guidance=\"").append(Text.oneLine(guidance, 100)).append('"');
    }
    return text.toString().strip();
  }
}
