package dev.redrive.audit.web;

import dev.redrive.audit.domain.EventFilter;
import dev.redrive.audit.persistence.AuditStore;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail: an execution's timeline, one event, and search across executions. */
@Validated
@RestController
@RequestMapping("/api/v1")
class TimelineController {

  private final AuditStore store;
  private final TimelineEntries entries;

  TimelineController(AuditStore store, TimelineEntries entries) {
    this.store = store;
    this.entries = entries;
  }

  /** Every event of the execution, oldest first, a page at a time. */
  @GetMapping("/executions/{executionId}/events")
  List<TimelineEntry> timeline(
      @PathVariable String executionId,
      @RequestParam(defaultValue = "500") @Min(1) @Max(5000) int limit,
      @RequestParam(defaultValue = "0") @Min(0) int offset) {
    return store.timeline(executionId, limit, offset).stream().map(entries::of).toList();
  }

  /** One event by its id. */
  @GetMapping("/events/{eventId}")
  TimelineEntry event(@PathVariable String eventId) {
    return store
        .find(eventId)
        .map(entries::of)
        .orElseThrow(
            () ->
                Problems.notFound(
                    "Event not found",
                    "No event '%s' in the audit trail (it may be older than the retention)."
                        .formatted(eventId)));
  }

  /**
   * Events of any execution that match every given criterion, oldest first: {@code type} (one or
   * more), {@code pipeline}, {@code failureType}, {@code executionId}, and {@code from} (inclusive)
   * / {@code to} (exclusive) as ISO-8601 instants.
   */
  @GetMapping("/events")
  List<TimelineEntry> search(
      @RequestParam(required = false) List<String> type,
      @RequestParam(required = false) String pipeline,
      @RequestParam(required = false) String failureType,
      @RequestParam(required = false) String executionId,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant from,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant to,
      @RequestParam(defaultValue = "100") @Min(1) @Max(5000) int limit,
      @RequestParam(defaultValue = "0") @Min(0) int offset) {
    EventFilter filter;
    try {
      filter = new EventFilter(type, pipeline, failureType, executionId, from, to, limit, offset);
    } catch (IllegalArgumentException e) {
      throw new ErrorResponseException(
          HttpStatus.BAD_REQUEST,
          ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()),
          e);
    }
    return store.search(filter).stream().map(entries::of).toList();
  }
}
