package dev.redrive.audit.web;

import dev.redrive.audit.app.AuditedEvent;
import dev.redrive.audit.app.StoredEvent;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Turns stored events into the entries the API shows. */
@Component
class TimelineEntries {

  private final JsonMapper json;

  TimelineEntries(JsonMapper json) {
    this.json = json;
  }

  TimelineEntry of(StoredEvent stored) {
    AuditedEvent event = stored.event();
    var payload = json.readTree(event.payloadJson());
    return new TimelineEntry(
        event.eventId(),
        event.executionId(),
        event.eventType(),
        event.topic(),
        event.partition(),
        event.offset(),
        event.source(),
        event.occurredAt(),
        event.pipeline(),
        event.failureType(),
        EventSummaries.describe(event.eventType(), payload),
        payload);
  }

  String toJson(TimelineEntry entry) {
    return json.writeValueAsString(entry);
  }

  /** Any value as compact JSON with the application's mapper. */
  String json(Object value) {
    return json.writeValueAsString(value);
  }
}
