package dev.redrive.audit.web;

import static dev.redrive.audit.web.EventSummaries.body;
import static dev.redrive.audit.web.EventSummaries.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** What the audit's own events say about each failed attempt of each phase. */
final class FailedAttempts {

  /** One failed attempt, from its AttemptFailed event. */
  record Fact(
      int number,
      String failureType,
      String errorType,
      String message,
      List<String> failedChecks,
      String inputsDigest,
      String artifactsDigest) {}

  private FailedAttempts() {}

  /** The failed attempts of every phase, by phase in order of first failure, by number. */
  static Map<String, List<Fact>> byPhase(List<TimelineEntry> timeline) {
    Map<String, Map<Integer, Fact>> phases = new LinkedHashMap<>();
    for (TimelineEntry entry : timeline) {
      if (!"AttemptFailed".equals(entry.type())) {
        continue;
      }
      JsonNode p = body(entry.payload());
      String phase = text(p, "phase");
      if (phase == null) {
        continue;
      }
      List<String> failedChecks = new ArrayList<>();
      p.path("checks")
          .forEach(
              check -> {
                if (!check.path("passed").asBoolean()) {
                  failedChecks.add(text(check, "name"));
                }
              });
      int number = p.path("attemptNumber").asInt();
      phases
          .computeIfAbsent(phase, k -> new TreeMap<>())
          .put(
              number,
              new Fact(
                  number,
                  text(p, "failureType"),
                  text(p, "errorType"),
                  text(p, "errorMessage"),
                  failedChecks,
                  text(p, "inputsDigest"),
                  text(p, "artifactsDigest")));
    }
    Map<String, List<Fact>> facts = new LinkedHashMap<>();
    phases.forEach((phase, byNumber) -> facts.put(phase, List.copyOf(byNumber.values())));
    return facts;
  }
}
