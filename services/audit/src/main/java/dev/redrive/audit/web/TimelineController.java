package dev.redrive.audit.web;

import dev.redrive.audit.app.AuditedEvent;
import dev.redrive.audit.persistence.AuditStore;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit trail of one execution. */
@Validated
@RestController
@RequestMapping("/api/v1")
class TimelineController {

  private final AuditStore store;
  private final JsonMapper json;

  TimelineController(AuditStore store, JsonMapper json) {
    this.store = store;
    this.json = json;
  }

  /** One entry of a timeline. */
  record TimelineEntry(
      String eventId,
      String type,
      String topic,
      String source,
      Instant occurredAt,
      JsonNode payload) {}

  /** Every event of the execution, oldest first, a page at a time. */
  @GetMapping("/executions/{executionId}/events")
  List<TimelineEntry> timeline(
      @PathVariable String executionId,
      @RequestParam(defaultValue = "500") @Min(1) @Max(5000) int limit,
      @RequestParam(defaultValue = "0") @Min(0) int offset) {
    return store.timeline(executionId, limit, offset).stream().map(this::entry).toList();
  }

  private TimelineEntry entry(AuditedEvent event) {
    return new TimelineEntry(
        event.eventId(),
        event.eventType(),
        event.topic(),
        event.source(),
        event.occurredAt(),
        json.readTree(event.payloadJson()));
  }
}
