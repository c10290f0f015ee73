package dev.redrive.audit.kafka;

import dev.redrive.audit.app.AuditedEvent;
import dev.redrive.audit.app.RecordEvent;
import dev.redrive.support.kafka.Envelopes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Transport only: every Redrive topic, decoded generically, handed to {@link RecordEvent}. */
@Component
class EventListener {

  private final RecordEvent recordEvent;

  EventListener(RecordEvent recordEvent) {
    this.recordEvent = recordEvent;
  }

  @KafkaListener(
      id = "audit-events",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).ALL.![name()]}")
  void on(ConsumerRecord<String, GenericRecord> record) {
    GenericRecord event = record.value();
    recordEvent.record(
        new AuditedEvent(
            Envelopes.eventId(event),
            Envelopes.executionId(event),
            Envelopes.eventType(event),
            record.topic(),
            record.partition(),
            record.offset(),
            event.get("source") == null ? null : event.get("source").toString(),
            Envelopes.occurredAt(event),
            GenericData.get().toString(event)));
  }
}
