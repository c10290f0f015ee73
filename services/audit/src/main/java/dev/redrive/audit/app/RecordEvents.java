package dev.redrive.audit.app;

import dev.redrive.contract.EventKeys;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends a batch of events to the audit trail in one transaction, each event once: an event id
 * already stored (a redelivery, or the same event twice in the batch) is skipped. In the same
 * transaction the summary row of each execution the new events belong to is brought up to date
 * ({@link ExecutionIndex}), so the index never disagrees with the events. After the commit, the new
 * events go to the live timelines and the changed summaries to the live index.
 */
@Service
public class RecordEvents {

  private final AuditTrail trail;
  private final TransactionTemplate transaction;
  private final LiveTimeline live;
  private final ExecutionIndex index;
  private final LiveIndex liveIndex;
  private final MeterRegistry meters;
  private final DistributionSummary batchSize;

  public RecordEvents(
      AuditTrail trail,
      ExecutionIndex index,
      TransactionTemplate transaction,
      LiveTimeline live,
      LiveIndex liveIndex,
      MeterRegistry meters) {
    this.trail = trail;
    this.index = index;
    this.transaction = transaction;
    this.live = live;
    this.liveIndex = liveIndex;
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
    Recorded recorded =
        transaction.execute(
            status -> {
              List<StoredEvent> appended = trail.appendAll(events);
              // a pause of a whole pipeline or a replay of dead letters is no execution
              return new Recorded(
                  appended,
                  index.record(
                      appended.stream()
                          .filter(e -> EventKeys.namesAnExecution(e.event().executionId()))
                          .toList()));
            });
    batchSize.record(events.size());
    count(events, recorded.stored());
    live.publish(recorded.stored());
    liveIndex.publish(recorded.changes());
    return recorded.stored();
  }

  private record Recorded(List<StoredEvent> stored, List<ExecutionIndex.Change> changes) {}

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
