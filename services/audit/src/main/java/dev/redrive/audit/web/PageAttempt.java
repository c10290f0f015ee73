package dev.redrive.audit.web;

import static dev.redrive.audit.web.EventSummaries.text;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the timeline says about one attempt of one phase, for the execution page. */
final class PageAttempt {
  // read by the page; written only by record()
  final String phase;
  final int number;
  String outcome = "running";
  String commandId;
  Instant startedAt;
  String failureType;
  String retryable;
  private String errorType;
  private String errorMessage;
  private final List<String> failedChecks = new ArrayList<>();
  private String durationMs;

  PageAttempt(String phase, int number) {
    this.phase = phase;
    this.number = number;
  }

  /** Takes in what one event of the attempt says. */
  void record(TimelineEntry entry, JsonNode p) {
    switch (entry.type()) {
      case "AttemptStarted" -> {
        startedAt = entry.occurredAt();
        commandId = text(p, "commandId");
      }
      case "AttemptSucceeded" -> {
        outcome = "succeeded";
        durationMs = text(p, "durationMs");
      }
      case "AttemptFailed" -> {
        outcome = "failed";
        failureType = text(p, "failureType");
        retryable = text(p, "retryable");
        errorType = text(p, "errorType");
        errorMessage = text(p, "errorMessage");
        durationMs = text(p, "durationMs");
        p.path("checks")
            .forEach(
                check -> {
                  if (!check.path("passed").asBoolean()) {
                    failedChecks.add(text(check, "name"));
                  }
                });
      }
      default -> {}
    }
  }

  /** What happened, in one line: the error, the failed checks, the duration. */
  String details() {
    StringBuilder details = new StringBuilder();
    // reporters often start the message with the error type ("exit criteria not met: tests"):
    // say each thing once
    if (errorType != null
        && !errorType.isBlank()
        && (errorMessage == null || !errorMessage.startsWith(errorType))) {
      details.append(errorType).append(": ");
    }
    if (errorMessage != null) {
      details.append(errorMessage);
    }
    if (!failedChecks.isEmpty()
        && (errorMessage == null || !failedChecks.stream().allMatch(errorMessage::contains))) {
      details.append(details.isEmpty() ? "" : "; ").append("failed checks: ");
      details.append(String.join(", ", failedChecks));
    }
    if (durationMs != null && !"0".equals(durationMs)) {
      details.append(details.isEmpty() ? "" : " ").append("(").append(durationMs).append(" ms)");
    }
    return details.toString();
  }
}
