package dev.redrive.support.outbox;

import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.topic.Topic;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
   * Publishes each event when its due time has come, never before, and the events due at the same
   * time in the order given. The events are packed into as few rows as {@link OutboxRows} allows
   * and written with one statement.
   */
  public void scheduleAll(List<Message> messages) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "Outbox.schedule must run inside the transaction of the state change it reports");
    }
    if (messages.isEmpty()) {
      return;
    }
    List<OutboxRows.Encoded> encoded = new ArrayList<>(messages.size());
    for (Message message : messages) {
      encoded.add(encode(message));
    }
    List<OutboxRows.Row> rows = OutboxRows.pack(encoded, clock.instant());
    int size = messages.size();
    String[] rowNumbers = new String[size];
    String[] topics = new String[size];
    String[] keys = new String[size];
    String[] eventIds = new String[size];
    String[] types = new String[size];
    byte[][] payloads = new byte[size][];
    String[] dueAt = new String[size];
    int i = 0;
    for (int row = 0; row < rows.size(); row++) {
      for (OutboxRows.Encoded message : rows.get(row).messages()) {
        rowNumbers[i] = Integer.toString(row);
        topics[i] = message.topic();
        keys[i] = message.key();
        eventIds[i] = message.eventId();
        types[i] = message.eventType();
        payloads[i] = message.payload();
        dueAt[i] = rows.get(row).dueAt().toString();
        i++;
      }
    }
    // one row per group, in the order of the groups (ids follow it), its messages in their order
    jdbc.sql(
            """
            INSERT INTO outbox (topics, message_keys, event_ids, event_types, payloads, due_at)
            SELECT array_agg(t ORDER BY n), array_agg(k ORDER BY n), array_agg(e ORDER BY n),
              array_agg(y ORDER BY n), array_agg(p ORDER BY n), min(d)::timestamptz
            FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[],
              ?::text[]) WITH ORDINALITY AS u(g, t, k, e, y, p, d, n)
            GROUP BY g ORDER BY g""")
        .param(rowNumbers)
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

  private OutboxRows.Encoded encode(Message message) {
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
    return new OutboxRows.Encoded(
        topic.name(),
        Envelopes.executionId(generic),
        Envelopes.eventId(generic),
        Envelopes.eventType(generic),
        serializer.serialize(topic.name(), event),
        message.dueAt());
  }
}
