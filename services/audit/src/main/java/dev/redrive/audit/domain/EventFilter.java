package dev.redrive.audit.domain;

import java.time.Instant;
import java.util.List;

/**
 * A search of the audit trail; every criterion is optional and they all must hold.
 *
 * @param types event types, e.g. {@code AttemptFailed} (any of them)
 * @param pipeline events of the executions of this pipeline (including the events that do not name
 *     the pipeline themselves, such as decisions)
 * @param failureType failure type of the event (AttemptFailed, InterventionRequired, and the
 *     retries of such a failure)
 * @param executionId events of this execution only
 * @param from events that occurred at or after this instant
 * @param to events that occurred before this instant
 * @param limit page size
 * @param offset events to skip
 */
public record EventFilter(
    List<String> types,
    String pipeline,
    String failureType,
    String executionId,
    Instant from,
    Instant to,
    int limit,
    int offset) {

  public EventFilter {
    types =
        types == null ? List.of() : types.stream().filter(t -> t != null && !t.isBlank()).toList();
    pipeline = blankToNull(pipeline);
    failureType = blankToNull(failureType);
    executionId = blankToNull(executionId);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException(
          "'from' (%s) must be before 'to' (%s)".formatted(from, to));
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset cannot be negative, was " + offset);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
