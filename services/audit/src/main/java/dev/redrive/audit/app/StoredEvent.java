package dev.redrive.audit.app;

/**
 * An event in the audit trail.
 *
 * @param id its row id: the order in which the audit stored the events
 * @param event the event
 */
public record StoredEvent(long id, AuditedEvent event) {

  public String eventId() {
    return event.eventId();
  }

  public String executionId() {
    return event.executionId();
  }
}
