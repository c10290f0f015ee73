package dev.redrive.support.outbox;

import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.topic.Topic;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes outgoing events to the {@code outbox} table in the caller's database transaction; the
 * {@link OutboxRelay} publishes them once they are due. An event therefore leaves the service if
 * and only if the state change that produced it was committed, and a delayed event survives any
 * restart because it is a row, not a timer.
 */
public class Outbox {

  private final JdbcClient jdbc;
  private final Serializer<Object> serializer;
  private final Clock clock;
  private final Runnable onCommit;

  public Outbox(JdbcClient jdbc, Serializer<Object> serializer, Clock clock, Runnable onCommit) {
    this.jdbc = jdbc;
    this.serializer = serializer;
    this.clock = clock;
    this.onCommit = onCommit;
  }

  /** Publishes the event as soon as the current transaction commits. */
  public void publish(Topic topic, SpecificRecord event) {
    schedule(topic, event, clock.instant());
  }

  /** Publishes the event when {@code dueAt} has come, never before. */
  public void schedule(Topic topic, SpecificRecord event, Instant dueAt) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "Outbox.schedule must run inside the transaction of the state change it reports");
    }
    if (!topic.valueType().isInstance(event)) {
      throw new IllegalArgumentException(
          "topic "
              + topic
              + " carries "
              + topic.valueType().getSimpleName()
              + ", not "
              + event.getClass().getSimpleName());
    }
    GenericRecord generic = (GenericRecord) event;
    jdbc.sql(
            """
            INSERT INTO outbox (topic, message_key, event_id, event_type, payload, due_at)
            VALUES (?, ?, ?, ?, ?, ?)""")
        .params(
            topic.name(),
            Envelopes.executionId(generic),
            Envelopes.eventId(generic),
            Envelopes.eventType(generic),
            serializer.serialize(topic.name(), event),
            Timestamp.from(dueAt))
        .update();
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            onCommit.run();
          }
        });
  }
}
