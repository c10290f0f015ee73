package dev.redrive.support.outbox;

import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.topic.Topic;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

  /** An event for the outbox, and when it is due. */
  public record Message(Topic topic, SpecificRecord event, Instant dueAt) {}

  /** Publishes the event as soon as the current transaction commits. */
  public void publish(Topic topic, SpecificRecord event) {
    schedule(topic, event, clock.instant());
  }

  /** Publishes the event when {@code dueAt} has come, never before. */
  public void schedule(Topic topic, SpecificRecord event, Instant dueAt) {
    scheduleAll(List.of(new Message(topic, event, dueAt)));
  }

  /**
   * Publishes each event when its due time has come, never before; all rows are written with one
   * statement, in the order given (the relay sends due rows in that order).
   */
  public void scheduleAll(List<Message> messages) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "Outbox.schedule must run inside the transaction of the state change it reports");
    }
    if (messages.isEmpty()) {
      return;
    }
    int size = messages.size();
    String[] topics = new String[size];
    String[] keys = new String[size];
    String[] eventIds = new String[size];
    String[] types = new String[size];
    byte[][] payloads = new byte[size][];
    String[] dueAt = new String[size];
    for (int i = 0; i < size; i++) {
      Message message = messages.get(i);
      Topic topic = message.topic();
      SpecificRecord event = message.event();
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
      topics[i] = topic.name();
      keys[i] = Envelopes.executionId(generic);
      eventIds[i] = Envelopes.eventId(generic);
      types[i] = Envelopes.eventType(generic);
      payloads[i] = serializer.serialize(topic.name(), event);
      dueAt[i] = message.dueAt().toString();
    }
    jdbc.sql(
            """
            INSERT INTO outbox (topic, message_key, event_id, event_type, payload, due_at)
            SELECT t, k, e, y, p, d::timestamptz
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[])
              WITH ORDINALITY AS u(t, k, e, y, p, d, n)
            ORDER BY n""")
        .param(topics)
        .param(keys)
        .param(eventIds)
        .param(types)
        .param(payloads)
        .param(dueAt)
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
