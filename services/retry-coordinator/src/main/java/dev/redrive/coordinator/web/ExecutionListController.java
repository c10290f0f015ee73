package dev.redrive.coordinator.web;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.ExecutionFilter;
import dev.redrive.coordinator.app.ExecutionView;
import dev.redrive.coordinator.app.ListExecutions;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/executions}: the executions that match a filter, most recently changed first,
 * a page at a time. Every parameter is optional; a parameter the listing does not know, or a value
 * it cannot use, is a 400 that names it (a misspelt filter must not list everything).
 */
@RestController
@RequestMapping("/api/v1")
class ExecutionListController {

  static final Set<String> PARAMETERS =
      Set.of("pipeline", "status", "phase", "failureType", "from", "to", "q", "limit", "after");

  private final ListExecutions listExecutions;
  private final InputLimits limits;

  ExecutionListController(ListExecutions listExecutions, InputLimits limits) {
    this.listExecutions = listExecutions;
    this.limits = limits;
  }

  @GetMapping("/executions")
  Map<String, Object> list(@RequestParam Map<String, String> query) {
    for (String name : query.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new InvalidFieldException(
            shown(name),
            "unknown parameter; the listing takes " + String.join(", ", sorted(PARAMETERS)));
      }
    }
    ExecutionFilter filter =
        new ExecutionFilter(
            name(query, "pipeline"),
            parsed(query, "status", ExecutionListController::status),
            name(query, "phase"),
            parsed(query, "failureType", ExecutionListController::failureType),
            parsed(query, "from", value -> instant("from", value)),
            parsed(query, "to", value -> instant("to", value)),
            name(query, "q"));
    int limit = parsed(query, "limit", ExecutionListController::limit);
    ListExecutions.Page page =
        listExecutions.list(
            filter,
            parsed(query, "after", ExecutionListController::cursor),
            limit == 0 ? ListExecutions.DEFAULT_LIMIT : limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executions", page.executions().stream().map(ExecutionListController::entry).toList());
    body.put("next", page.next() == null ? null : cursorText(page.next()));
    return body;
  }

  private static Map<String, Object> entry(ExecutionView execution) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("executionId", execution.executionId());
    entry.put("pipeline", execution.pipeline());
    entry.put("source", execution.source());
    entry.put("status", execution.status());
    entry.put("currentPhase", execution.currentPhase());
    entry.put("lastError", execution.lastError());
    entry.put("resubmittedFrom", execution.resubmittedFrom());
    entry.put("createdAt", execution.createdAt());
    entry.put("updatedAt", execution.updatedAt());
    return entry;
  }

  private String name(Map<String, String> query, String parameter) {
    String value = query.get(parameter);
    if (value == null || value.isBlank()) {
      return null;
    }
    limits.name(parameter, value);
    return value.strip();
  }

  private static <T> T parsed(
      Map<String, String> query, String parameter, Function<String, T> parser) {
    String value = query.get(parameter);
    if (value == null || value.isBlank()) {
      return parameter.equals("limit") ? parser.apply("0") : null;
    }
    return parser.apply(value.strip());
  }

  private static ExecutionStatus status(String value) {
    return EnumValues.oneOf("status", value, ExecutionStatus.class);
  }

  private static FailureType failureType(String value) {
    return EnumValues.oneOf("failureType", value, FailureType.class);
  }

  private static Instant instant(String parameter, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidFieldException(
          parameter,
          "'%s' is not an ISO-8601 instant such as 2026-12-06T09:30:00Z".formatted(shown(value)));
    }
  }

  private static int limit(String value) {
    if (value.equals("0")) {
      return 0;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= ListExecutions.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidFieldException(
        "limit", "must be 1-%d, was '%s'".formatted(ListExecutions.MAX_LIMIT, shown(value)));
  }

  /** The cursor as the API hands it out: opaque, URL-safe. */
  static String cursorText(ListExecutions.Cursor cursor) {
    String plain = cursor.updatedAt() + " " + cursor.executionId();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static ListExecutions.Cursor cursor(String value) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      int space = plain.indexOf(' ');
      return new ListExecutions.Cursor(
          Instant.parse(plain.substring(0, space)), plain.substring(space + 1));
    } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
      throw new InvalidFieldException(
          "after", "is not a cursor this API gave; pass the 'next' value of the previous page");
    }
  }

  /** A value as a message repeats it: at most 64 characters. */
  private static String shown(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
