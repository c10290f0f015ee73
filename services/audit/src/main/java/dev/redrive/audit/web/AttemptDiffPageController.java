package dev.redrive.audit.web;

import dev.redrive.audit.app.ReadAuditTrail;
import dev.redrive.audit.app.RunnerDiffs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /executions/{id}/diff?phase=P&a=N&b=M}: the page comparing two failed attempts of a
 * phase (a read, like the execution page: the read token or the session cookie). Without {@code a}
 * and {@code b}, the phase's last two failed attempts.
 */
@Controller
class AttemptDiffPageController {

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  /** The longest phase name, as every service limits names. */
  static final int MAX_PHASE_CHARS = 256;

  /** The highest attempt number, as the phase-runner allows. */
  static final int MAX_ATTEMPT = 10_000;

  private final ReadAuditTrail trail;
  private final TimelineEntries entries;
  private final RunnerDiffs runner;

  AttemptDiffPageController(ReadAuditTrail trail, TimelineEntries entries, RunnerDiffs runner) {
    this.trail = trail;
    this.entries = entries;
    this.runner = runner;
  }

  @GetMapping("/executions/{executionId}/diff")
  ResponseEntity<String> page(
      @PathVariable String executionId,
      @RequestParam(required = false) String phase,
      @RequestParam(required = false) String a,
      @RequestParam(required = false) String b) {
    if (executionId.length() > 128) {
      return badRequest("executionId: at most 128 characters");
    }
    if (phase == null || phase.isBlank()) {
      return badRequest("phase: name the phase whose attempts to compare (?phase=build)");
    }
    if (phase.length() > MAX_PHASE_CHARS || phase.chars().anyMatch(Character::isISOControl)) {
      return badRequest(
          "phase: at most %d characters, no control characters".formatted(MAX_PHASE_CHARS));
    }
    Integer first;
    Integer second;
    try {
      first = number("a", a);
      second = number("b", b);
    } catch (IllegalArgumentException e) {
      return badRequest(e.getMessage());
    }
    if ((first == null) != (second == null)) {
      return badRequest("a, b: give both attempt numbers, or neither (the last two failed)");
    }
    List<TimelineEntry> timeline = trail.timeline(executionId).stream().map(entries::of).toList();
    if (timeline.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .contentType(HTML)
          .body(ExecutionPage.notFound(executionId));
    }
    List<FailedAttempts.Fact> failed =
        FailedAttempts.byPhase(timeline).getOrDefault(phase, List.of());
    RunnerDiffs.Answer answer = runner.diff(executionId, phase, first, second);
    return ResponseEntity.ok()
        .contentType(HTML)
        .body(AttemptDiffPage.render(executionId, phase, failed, first, second, answer));
  }

  private static Integer number(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > 5 || !value.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "%s: must be an attempt number from 1 to %d".formatted(name, MAX_ATTEMPT));
    }
    int number = Integer.parseInt(value);
    if (number < 1 || number > MAX_ATTEMPT) {
      throw new IllegalArgumentException(
          "%s: must be an attempt number from 1 to %d".formatted(name, MAX_ATTEMPT));
    }
    return number;
  }

  private static ResponseEntity<String> badRequest(String message) {
    return ResponseEntity.badRequest()
        .contentType(HTML)
        .body(
            new Html()
                .raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bad")
                .raw(" request · Redrive audit</title></head><body><h1>Cannot compare</h1><p>")
                .text(message)
                .raw("</p></body></html>")
                .toString());
  }
}
