package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.FingerprintHistory;
import dev.redrive.coordinator.app.ListFingerprints;
import dev.redrive.coordinator.domain.ErrorFingerprint;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/fingerprints}: the failures of a window grouped by error fingerprint (and
 * phase), most frequent first, with what retries of them achieved and a suggestion when they almost
 * never succeed; {@code GET /api/v1/fingerprints/{fingerprintId}}: one of them with its latest
 * failures. Reads (the read token when one is set); every parameter is bounded and a value the
 * history cannot use is a 400 naming it.
 */
@RestController
@RequestMapping("/api/v1")
class FingerprintController {

  static final Set<String> LIST_PARAMETERS =
      Set.of("pipeline", "phase", "since", "limit", "offset");
  static final Set<String> SHOW_PARAMETERS = Set.of("since");

  private final ListFingerprints fingerprints;
  private final InputLimits limits;
  private final Clock clock;

  FingerprintController(ListFingerprints fingerprints, InputLimits limits, Clock clock) {
    this.fingerprints = fingerprints;
    this.limits = limits;
    this.clock = clock;
  }

  @GetMapping("/fingerprints")
  Map<String, Object> list(@RequestParam Map<String, String> query) {
    known(query, LIST_PARAMETERS);
    ListFingerprints.Page page =
        fingerprints.list(
            name(query, "pipeline"),
            name(query, "phase"),
            since(query.get("since")),
            number(query, "offset", 0, ListFingerprints.MAX_OFFSET, 0),
            number(query, "limit", 1, ListFingerprints.MAX_LIMIT, ListFingerprints.DEFAULT_LIMIT));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("since", page.since());
    body.put("fingerprints", page.entries().stream().map(FingerprintController::entry).toList());
    body.put("next", page.next());
    return body;
  }

  @GetMapping("/fingerprints/{fingerprintId}")
  Map<String, Object> show(
      @PathVariable String fingerprintId, @RequestParam Map<String, String> query) {
    known(query, SHOW_PARAMETERS);
    if (!ErrorFingerprint.ID.matcher(fingerprintId).matches()) {
      throw new InvalidFieldException(
          "fingerprintId",
          "'%s' is not a fingerprint id: fp_ and 12 hex digits, such as fp_3f9a1c2b7d4e"
              .formatted(shown(fingerprintId)));
    }
    ListFingerprints.Details details =
        fingerprints
            .show(fingerprintId, since(query.get("since")))
            .orElseThrow(() -> notFound(fingerprintId));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("fingerprint", fingerprintId);
    body.put("since", details.since());
    body.put("phases", details.entries().stream().map(FingerprintController::entry).toList());
    body.put("latest", details.latest().stream().map(FingerprintController::occurrence).toList());
    return body;
  }

  private static Map<String, Object> entry(ListFingerprints.Entry entry) {
    FingerprintHistory.Group group = entry.group();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("fingerprint", group.fingerprint());
    body.put("class", entry.fingerprint().errorClass());
    body.put("text", entry.fingerprint().text());
    body.put("failureType", group.failureType());
    body.put("pipeline", group.pipeline());
    body.put("phase", group.phase());
    body.put("source", group.source());
    body.put("failures", group.failures());
    body.put("executions", group.executions());
    body.put("firstSeen", group.firstSeen());
    body.put("lastSeen", group.lastSeen());
    body.put("retries", group.retries());
    body.put("retriesSucceeded", group.retriesSucceeded());
    body.put("successRate", entry.successRate());
    body.put(
        "suggestion",
        entry.suggestion() == null
            ? null
            : Map.of(
                "text", entry.suggestion().text(),
                "policyChange", entry.suggestion().policyChange()));
    return body;
  }

  private static Map<String, Object> occurrence(FingerprintHistory.Occurrence occurrence) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executionId", occurrence.executionId());
    body.put("pipeline", occurrence.pipeline());
    body.put("phase", occurrence.phase());
    body.put("attemptNumber", occurrence.attemptNumber());
    body.put("occurredAt", occurrence.occurredAt());
    body.put("message", occurrence.message());
    body.put("inputsDigest", occurrence.inputsDigest());
    body.put("artifactsDigest", occurrence.artifactsDigest());
    body.put("nextAttempt", occurrence.nextOutcome());
    return body;
  }

  private static void known(Map<String, String> query, Set<String> parameters) {
    for (String name : query.keySet()) {
      if (!parameters.contains(name)) {
        throw new InvalidFieldException(
            shown(name),
            "unknown parameter; this takes "
                + String.join(", ", parameters.stream().sorted().toList()));
      }
    }
  }

  private String name(Map<String, String> query, String parameter) {
    String value = query.get(parameter);
    if (value == null || value.isBlank()) {
      return null;
    }
    limits.name(parameter, value);
    return value.strip();
  }

  private static int number(
      Map<String, String> query, String parameter, int min, int max, int absent) {
    String value = query.get(parameter);
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidFieldException(
        parameter, "must be %d-%d, was '%s'".formatted(min, max, shown(value)));
  }

  /**
   * {@code since}: an ISO-8601 instant, or a duration back from now ({@code 24h}, {@code 7d},
   * {@code PT1H}); at most the history's longest window back.
   */
  private Instant since(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant now = clock.instant();
    Duration longest = fingerprints.maxWindow();
    Instant since;
    try {
      since = Instant.parse(value.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        Duration back = DurationStyle.detectAndParse(value.strip());
        if (back.isNegative() || back.compareTo(longest) > 0) {
          throw new InvalidFieldException(
              "since",
              "'%s' reaches further back than the history keeps a window (%s); ask for %dd or less"
                  .formatted(shown(value), longest, longest.toDays()));
        }
        since = now.minus(back);
      } catch (IllegalArgumentException notADuration) {
        throw new InvalidFieldException(
            "since",
            "'%s' is neither an ISO-8601 instant (2026-12-06T09:30:00Z) nor a duration (24h, 7d)"
                .formatted(shown(value)));
      }
    }
    if (since.isBefore(now.minus(longest))) {
      throw new InvalidFieldException(
          "since",
          "'%s' is more than %dd ago (redrive.coordinator.fingerprints.history-max-window); ask"
                  .formatted(shown(value), longest.toDays())
              + " for a later instant");
    }
    return since;
  }

  private static ErrorResponseException notFound(String fingerprint) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.NOT_FOUND,
            ("No failure with fingerprint '%s' in the window: widen it with since (GET"
                    + " /api/v1/fingerprints lists the fingerprints seen)")
                .formatted(fingerprint));
    problem.setTitle("Fingerprint not found");
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }

  /** A value as a message repeats it: at most 64 characters. */
  private static String shown(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
