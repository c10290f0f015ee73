package dev.redrive.audit.kafka;

import dev.redrive.audit.app.AuditedEvent;
import dev.redrive.audit.app.RecordEvents;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.limits.EventLimits;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Transport only: every Redrive topic (and the further command topics of {@code
 * redrive.audit.command-topics}), a batch per poll, decoded generically, handed to {@link
 * RecordEvents} in one call. The container commits the offsets after that call returns, so after
 * the database commit.
 *
 * <p>A record that does not decode, or is not a Redrive event, stops the batch there: the records
 * before it are stored, then {@link BatchListenerFailedException} names it, and the error handler
 * commits up to it, sends it to {@code <topic>.DLT} at once (its original bytes, and the reason)
 * and delivers the records after it again.
 */
@Component
class EventListener {

  private final EventDecoder decoder;
  private final RecordEvents recordEvents;
  private final EventLimits limits;

  EventListener(EventDecoder decoder, RecordEvents recordEvents, EventLimits limits) {
    this.decoder = decoder;
    this.recordEvents = recordEvents;
    this.limits = limits;
  }

  @KafkaListener(id = "audit-events", topics = "#{@auditedTopics.names()}", batch = "true")
  void on(List<ConsumerRecord<String, byte[]>> records) {
    List<AuditedEvent> events = new ArrayList<>(records.size());
    BatchListenerFailedException poison = null;
    for (int i = 0; i < records.size() && poison == null; i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      try {
        GenericRecord event = decoder.decode(record);
        limits.check(event);
        events.add(audited(record, event));
      } catch (InvalidEventException invalid) {
        poison =
            new BatchListenerFailedException(
                "%s-%d@%d cannot be audited: %s"
                    .formatted(
                        record.topic(), record.partition(), record.offset(), invalid.getMessage()),
                invalid,
                i);
      }
    }
    recordEvents.recordAll(events);
    if (poison != null) {
      throw poison;
    }
  }

  private static AuditedEvent audited(ConsumerRecord<String, byte[]> record, GenericRecord event) {
    return new AuditedEvent(
        Envelopes.eventId(event),
        Envelopes.executionId(event),
        Envelopes.eventType(event),
        record.topic(),
        record.partition(),
        record.offset(),
        GenericFields.text(event, "source"),
        GenericFields.pipeline(event),
        GenericFields.failureType(event),
        Envelopes.occurredAt(event),
        GenericData.get().toString(event),
        GenericFields.facts(event));
  }
}
