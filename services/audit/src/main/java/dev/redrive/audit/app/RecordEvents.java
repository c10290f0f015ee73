package dev.redrive.audit.app;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends a batch of events to the audit trail in one transaction, each event once: an event id
 * already stored (a redelivery, or the same event twice in the batch) is skipped. After the commit,
 * the new events go to the live streams.
 */
@Service
public class RecordEvents {

  private final AuditTrail trail;
  private final TransactionTemplate transaction;
  private final LiveTimeline live;
  private final MeterRegistry meters;
  private final DistributionSummary batchSize;

  public RecordEvents(
      AuditTrail trail, TransactionTemplate transaction, LiveTimeline live, MeterRegistry meters) {
    this.trail = trail;
    this.transaction = transaction;
    this.live = live;
    this.meters = meters;
    this.batchSize =
        DistributionSummary.builder("redrive.audit.batch.size")
            .description("Events stored per transaction (one batch of records from Kafka)")
            .register(meters);
  }

  /** Stores the events that are new; returns them. */
  public List<StoredEvent> recordAll(List<AuditedEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    List<StoredEvent> stored = transaction.execute(status -> trail.appendAll(events));
    batchSize.record(events.size());
    count(events, stored);
    live.publish(stored);
    return stored;
  }

  private void count(List<AuditedEvent> events, List<StoredEvent> stored) {
    Set<String> storedIds = new HashSet<>();
    for (StoredEvent event : stored) {
      storedIds.add(event.eventId());
      meters.counter("redrive.audit.events", "type", event.event().eventType()).increment();
    }
    for (AuditedEvent event : events) {
      if (!storedIds.remove(event.eventId())) {
        meters.counter("redrive.audit.duplicates", "type", event.eventType()).increment();
      }
    }
  }
}
