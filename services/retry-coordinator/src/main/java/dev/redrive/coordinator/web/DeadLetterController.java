package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.deadletter.DeadLetterLimits;
import dev.redrive.coordinator.app.deadletter.DeadLetterNotFoundException;
import dev.redrive.coordinator.app.deadletter.ListDeadLetters;
import dev.redrive.coordinator.app.deadletter.ReplayDeadLetters;
import dev.redrive.coordinator.app.deadletter.ReplayRefusedException;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.RequestedBy;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters: {@code GET /api/v1/dead-letters} lists those a filter matches (topic by topic,
 * partition by partition, oldest first), {@code GET /api/v1/dead-letters/{topic}/{partition}/
 * {offset}} shows one with its headers and value, and {@code POST /api/v1/dead-letters/replay}
 * replays a selection (or dry-runs it) to the topics the letters came from.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
class DeadLetterController {

  static final Set<String> PARAMETERS =
      Set.of("topic", "reason", "from", "to", "key", "limit", "after");

  private final ListDeadLetters listing;
  private final ReplayDeadLetters replaying;
  private final InputLimits limits;
  private final JsonMapper json;

  DeadLetterController(
      ListDeadLetters listing, ReplayDeadLetters replaying, InputLimits limits, JsonMapper json) {
    this.listing = listing;
    this.replaying = replaying;
    this.limits = limits;
    this.json = json;
  }

  /** A replay: what to select (at least one part), how, and who asks. */
  record ReplayBody(
      String topic,
      String reason,
      Instant from,
      Instant to,
      String key,
      List<String> coordinates,
      String after,
      Integer limit,
      Boolean dryRun,
      Integer ratePerSecond,
      Boolean force,
      String requestedBy,
      String note) {}

  @GetMapping
  Map<String, Object> list(@RequestParam Map<String, String> query) {
    for (String name : query.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new InvalidFieldException(
            shown(name),
            "unknown parameter; the listing takes " + String.join(", ", new TreeSet<>(PARAMETERS)));
      }
    }
    DeadLetterSelection selection =
        selection(
            query.get("topic"),
            query.get("reason"),
            instant("from", query.get("from")),
            instant("to", query.get("to")),
            query.get("key"),
            List.of());
    int limit = number("limit", query.get("limit"), DeadLetterLimits.MAX_PAGE);
    ListDeadLetters.Page page =
        listing.list(
            selection,
            DeadLetterCursor.parse("after", query.get("after"), listing.topics()),
            limit == 0 ? DeadLetterLimits.DEFAULT_PAGE : limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "deadLetters",
        page.letters().stream()
            .map(listed -> DeadLetterViews.summary(listed.letter(), listed.replays()))
            .toList());
    body.put("next", page.next() == null ? null : DeadLetterCursor.text(page.next()));
    body.put("scanned", page.scanned());
    body.put("stoppedEarly", page.stoppedEarly());
    return body;
  }

  @GetMapping("/{topic}/{partition}/{offset}")
  ResponseEntity<?> show(
      @PathVariable String topic, @PathVariable String partition, @PathVariable String offset) {
    DeadLetterCoordinates at = coordinates("coordinates", topic + "/" + partition + "/" + offset);
    return listing
        .show(at)
        .<ResponseEntity<?>>map(shown -> ResponseEntity.ok(DeadLetterViews.full(shown, json)))
        .orElseGet(() -> notFound(new DeadLetterNotFoundException(at)));
  }

  @PostMapping("/replay")
  Map<String, Object> replay(@RequestBody ReplayBody body, Principal caller) {
    DeadLetterLimits bounds = replaying.limits();
    List<String> named = body.coordinates() == null ? List.of() : body.coordinates();
    if (named.size() > DeadLetterLimits.MAX_COORDINATES) {
      throw new InvalidFieldException(
          "coordinates",
          "%d named, at most %d; replay the rest in another request"
              .formatted(named.size(), DeadLetterLimits.MAX_COORDINATES));
    }
    List<DeadLetterCoordinates> coordinates = new ArrayList<>();
    for (String text : named) {
      coordinates.add(coordinates("coordinates", text));
    }
    DeadLetterSelection selection =
        selection(body.topic(), body.reason(), body.from(), body.to(), body.key(), coordinates);
    if (selection.equals(DeadLetterSelection.everything())) {
      throw new InvalidFieldException(
          "selection",
          "say what to replay: topic, reason, from/to, key or coordinates (a replay of every"
              + " dead letter must at least name its topic)");
    }
    int limit = bounded("limit", body.limit(), 100, bounds.maxReplay());
    int rate =
        bounded("ratePerSecond", body.ratePerSecond(), bounds.defaultRate(), bounds.maxRate());
    limits.name("requestedBy", body.requestedBy());
    limits.note("note", body.note());
    if (!coordinates.isEmpty() && body.after() != null) {
      throw new InvalidFieldException("after", "goes with a filter, not with coordinates");
    }
    try {
      return DeadLetterViews.replay(
          replaying.replay(
              new ReplayDeadLetters.Request(
                  selection,
                  DeadLetterCursor.parse("after", body.after(), listing.topics()),
                  limit,
                  Boolean.TRUE.equals(body.dryRun()),
                  rate,
                  Boolean.TRUE.equals(body.force()),
                  RequestedBy.resolve(caller, body.requestedBy()),
                  body.note())));
    } catch (ReplayRefusedException refused) {
      throw new InvalidFieldException(refused.field(), refused.getMessage());
    }
  }

  @ExceptionHandler(DeadLetterNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(DeadLetterNotFoundException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    problem.setTitle("No such dead letter");
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
  }

  /** The selection, each part checked; the topic may be given with or without {@code .DLT}. */
  private DeadLetterSelection selection(
      String topic,
      String reason,
      Instant from,
      Instant to,
      String key,
      List<DeadLetterCoordinates> coordinates) {
    limits.name("reason", reason);
    limits.name("key", key);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new InvalidFieldException(
          "from", "must be before 'to' (%s), was %s".formatted(to, from));
    }
    return new DeadLetterSelection(
        originalTopic(topic), blank(reason), from, to, blank(key), coordinates);
  }

  private String originalTopic(String topic) {
    if (topic == null || topic.isBlank()) {
      return null;
    }
    String name = topic.strip();
    String original = name.endsWith(".DLT") ? name.substring(0, name.length() - 4) : name;
    if (!listing.topics().contains(original)) {
      throw new InvalidFieldException(
          "topic",
          "'%s' is not a topic whose dead letters the coordinator reads; one of %s"
              .formatted(shown(name), String.join(", ", listing.topics())));
    }
    return original;
  }

  private DeadLetterCoordinates coordinates(String field, String text) {
    DeadLetterCoordinates at;
    try {
      at = DeadLetterCoordinates.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(field, "'%s': %s".formatted(shown(text), e.getMessage()));
    }
    if (listing.topics().stream().noneMatch(t -> (t + ".DLT").equals(at.topic()))) {
      throw new InvalidFieldException(
          field,
          "'%s' is not a dead-letter topic the coordinator reads; one of %s"
              .formatted(
                  shown(at.topic()),
                  String.join(", ", listing.topics().stream().map(t -> t + ".DLT").toList())));
    }
    return at;
  }

  private static Instant instant(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidFieldException(
          parameter,
          "'%s' is not an ISO-8601 instant such as 2026-12-06T09:30:00Z".formatted(shown(value)));
    }
  }

  /** A whole number 1..max from a query parameter; 0 when absent. */
  private static int number(String parameter, String value, int max) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= 1 && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidFieldException(
        parameter, "must be 1-%d, was '%s'".formatted(max, shown(value)));
  }

  private static int bounded(String field, Integer value, int fallback, int max) {
    int chosen = value == null ? Math.min(fallback, max) : value;
    if (chosen < 1 || chosen > max) {
      throw new InvalidFieldException(field, "must be 1-%d, was %d".formatted(max, chosen));
    }
    return chosen;
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** A value as a message repeats it: at most 64 characters. */
  private static String shown(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
