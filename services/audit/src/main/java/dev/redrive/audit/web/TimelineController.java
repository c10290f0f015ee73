package dev.redrive.audit.web;

import dev.redrive.audit.app.ReadAuditTrail;
import dev.redrive.audit.domain.EventFilter;
import dev.redrive.support.web.InvalidFieldException;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail: an execution's timeline, one event, and search across executions. Both lists are
 * pages: {@code limit} 1 to {@code redrive.audit.max-page-size} (default {@code
 * redrive.audit.default-page-size}), {@code offset} 0 or more; anything else is a 400 naming the
 * parameter and its range.
 */
@RestController
@RequestMapping("/api/v1")
class TimelineController {

  private final ReadAuditTrail trail;
  private final TimelineEntries entries;
  private final WebSettings settings;

  TimelineController(ReadAuditTrail trail, TimelineEntries entries, WebSettings settings) {
    this.trail = trail;
    this.entries = entries;
    this.settings = settings;
  }

  /** Every event of the execution, oldest first, a page at a time. */
  @GetMapping("/executions/{executionId}/events")
  List<TimelineEntry> timeline(
      @PathVariable String executionId,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    Paging page = page(limit, offset);
    return trail.page(executionId, page.limit(), page.offset()).stream().map(entries::of).toList();
  }

  /** One event by its id. */
  @GetMapping("/events/{eventId}")
  TimelineEntry event(@PathVariable String eventId) {
    return trail
        .event(eventId)
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
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    Paging page = page(limit, offset);
    EventFilter filter;
    try {
      filter =
          new EventFilter(
              type, pipeline, failureType, executionId, from, to, page.limit(), page.offset());
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("from", e.getMessage());
    }
    return trail.search(filter).stream().map(entries::of).toList();
  }

  private Paging page(String limit, String offset) {
    return Paging.of(limit, offset, settings.defaultPageSize(), settings.maxPageSize());
  }
}
