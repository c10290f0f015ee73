package dev.redrive.audit.app;

import dev.redrive.audit.persistence.AuditStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Appends an event to the audit trail, once: a redelivered event id is ignored. */
@Service
public class RecordEvent {

  private static final Logger log = LoggerFactory.getLogger(RecordEvent.class);

  private final AuditStore store;
  private final MeterRegistry meters;

  public RecordEvent(AuditStore store, MeterRegistry meters) {
    this.store = store;
    this.meters = meters;
  }

  public void record(AuditedEvent event) {
    if (store.append(event)) {
      meters.counter("redrive.audit.events", "type", event.eventType()).increment();
    } else {
      log.debug("event {} already in the audit trail", event.eventId());
    }
  }
}
