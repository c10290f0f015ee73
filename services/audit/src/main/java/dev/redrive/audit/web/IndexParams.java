package dev.redrive.audit.web;

import dev.redrive.audit.domain.IndexCursor;
import dev.redrive.audit.domain.IndexQuery;
import dev.redrive.contract.ExecutionStatus;
import dev.redrive.support.web.InvalidFieldException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query parameters of the index page and its live stream, read as text so that every bad value
 * is refused with a 400 that names the parameter and says what it may be: {@code pipeline} (a name,
 * at most 256 characters), {@code status} (one of the statuses), {@code q} (part of an execution
 * id, at most 128 of its characters), {@code after} (the cursor of a "next" link), {@code limit} (1
 * to {@link #MAX_LIMIT}), and on the stream {@code since}. An empty value is no criterion (a GET
 * form sends its empty fields); a parameter given twice, or one the page does not know, is refused.
 *
 * @param query the criteria, the cursor and the page size
 * @param since the stream's start (the time the page was read); null when not given
 */
record IndexParams(IndexQuery query, Instant since) {

  /** Rows on a page when {@code limit} is not given. */
  static final int DEFAULT_LIMIT = 50;

  /** The most rows a page may have. */
  static final int MAX_LIMIT = 200;

  static final int MAX_PIPELINE = 256;
  static final int MAX_Q = 128;

  private static final Set<String> PAGE = Set.of("pipeline", "status", "q", "after", "limit");
  private static final Set<String> STREAM = Set.of("pipeline", "status", "q", "since");
  private static final Pattern ID_CHARS = Pattern.compile("[A-Za-z0-9._:@-]+");

  /** The parameters of the page. */
  static IndexParams ofPage(Map<String, String[]> parameters) {
    return of(parameters, PAGE);
  }

  /** The parameters of the live stream. */
  static IndexParams ofStream(Map<String, String[]> parameters) {
    return of(parameters, STREAM);
  }

  private static IndexParams of(Map<String, String[]> parameters, Set<String> known) {
    for (var parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (!known.contains(name)) {
        throw new InvalidFieldException(
            shorten(name),
            "Parameter '%s' is not known here; known: %s."
                .formatted(
                    shorten(name), known.stream().sorted().collect(Collectors.joining(", "))));
      }
      if (parameter.getValue().length > 1) {
        throw new InvalidFieldException(
            name,
            "Parameter '%s' may be given once, was given %d times."
                .formatted(name, parameter.getValue().length));
      }
    }
    String pipeline = value(parameters, "pipeline");
    if (pipeline != null
        && (pipeline.length() > MAX_PIPELINE
            || pipeline.chars().anyMatch(Character::isISOControl))) {
      throw new InvalidFieldException(
          "pipeline",
          "Parameter 'pipeline' must be a pipeline name of at most %d characters without control"
                  .formatted(MAX_PIPELINE)
              + " characters, was %d characters.".formatted(pipeline.length()));
    }
    String q = value(parameters, "q");
    if (q != null && (q.length() > MAX_Q || !ID_CHARS.matcher(q).matches())) {
      throw new InvalidFieldException(
          "q",
          ("Parameter 'q' must be part of an execution id: at most %d characters of A-Z a-z 0-9"
                  + " . _ : @ -, was '%s'.")
              .formatted(MAX_Q, shorten(q)));
    }
    return new IndexParams(
        new IndexQuery(
            pipeline,
            status(value(parameters, "status")),
            q,
            cursor(value(parameters, "after")),
            limit(value(parameters, "limit"))),
        since(value(parameters, "since")));
  }

  private static ExecutionStatus status(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ExecutionStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(
          "status",
          "Parameter 'status' must be one of %s, was '%s'."
              .formatted(String.join(", ", statuses()), shorten(value)));
    }
  }

  /** The statuses, as the page's filter offers them. */
  static List<String> statuses() {
    return Arrays.stream(ExecutionStatus.values()).map(Enum::name).toList();
  }

  private static IndexCursor cursor(String value) {
    if (value == null) {
      return null;
    }
    try {
      return IndexCursor.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(
          "after",
          "Parameter 'after' must be the cursor of a page's 'next' link (at most %d characters),"
                  .formatted(IndexCursor.MAX_LENGTH)
              + " was '%s'.".formatted(shorten(value)));
    }
  }

  private static int limit(String value) {
    return Paging.of(value, null, DEFAULT_LIMIT, MAX_LIMIT).limit();
  }

  private static Instant since(String value) {
    if (value == null) {
      return null;
    }
    try {
      if (value.length() > 40) {
        throw new DateTimeParseException("too long", value, 0);
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidFieldException(
          "since",
          "Parameter 'since' must be an ISO-8601 instant such as 2026-11-23T15:41:51.268Z, was"
              + " '%s'.".formatted(shorten(value)));
    }
  }

  private static String value(Map<String, String[]> parameters, String name) {
    String[] values = parameters.get(name);
    if (values == null || values.length == 0 || values[0] == null || values[0].isBlank()) {
      return null;
    }
    return values[0].strip();
  }

  private static String shorten(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 40 ? printable.substring(0, 37) + "..." : printable;
  }
}
