package dev.redrive.support.outbox;

import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.RedriveHeaders;
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
 *
 * <p>Every event is measured as the Kafka record it will become before it is written: one larger
 * than {@code maxMessageBytes} could never be sent, so it fails the write with {@link
 * OutboxMessageTooLargeException} and the caller's transaction rolls back, instead of becoming a
 * row that the relay would have to park.
 */
public class Outbox {

  /**
   * What a record costs on the wire besides its key, value and headers, at most: the record batch
   * header (61 bytes) and the record's own lengths, offsets and attributes (up to 21 bytes).
   */
  static final int RECORD_OVERHEAD = 61 + 21;

  /** Per header besides its name and value: two length varints, at most. */
  static final int HEADER_OVERHEAD = 10;

  private final JdbcClient jdbc;
  private final Serializer<Object> serializer;
  private final Clock clock;
  private final Runnable onCommit;
  private final int maxMessageBytes;
  private final int shards;

  /**
   * What the payloads of the last rows written packed to, as a share of their bytes: how many
   * messages the next rows can take ({@link OutboxRows#pack}). 1 until a row was packed.
   */
  private volatile double payloadRatio = 1;

  /**
   * @param maxMessageBytes the largest record, in bytes, that an event may become ({@code
   *     redrive.outbox.max-message-bytes}); keep it below the producer's {@code max.request.size}
   *     and the broker's and topics' {@code message.max.bytes}
   * @param shards the outbox table's shard count ({@link OutboxShards#settle}): a row holds the
   *     messages of one shard
   */
  public Outbox(
      JdbcClient jdbc,
      Serializer<Object> serializer,
      Clock clock,
      Runnable onCommit,
      int maxMessageBytes,
      int shards) {
    this.jdbc = jdbc;
    this.serializer = serializer;
    this.clock = clock;
    this.onCommit = onCommit;
    this.maxMessageBytes = maxMessageBytes;
    this.shards = shards;
  }

  /**
   * An event for the outbox, when it is due, and the hold scopes that can keep it waiting past that
   * ({@link OutboxHolds}; empty: nothing can hold it).
   */
  public record Message(Topic topic, SpecificRecord event, Instant dueAt, List<String> holdScopes) {

    public Message {
      holdScopes = List.copyOf(holdScopes);
      for (String scope : holdScopes) {
        if (scope.indexOf(SCOPE_SEPARATOR) >= 0) {
          throw new IllegalArgumentException("a hold scope cannot contain U+001E");
        }
      }
    }

    public Message(Topic topic, SpecificRecord event, Instant dueAt) {
      this(topic, event, dueAt, List.of());
    }
  }

  /** Separates the hold scopes of a row on their way into one SQL array. */
  static final char SCOPE_SEPARATOR = '\u001e';

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
   * time in the order given. The events are packed into as few rows as {@link OutboxRows} allows,
   * their payloads compressed, and written with one statement.
   *
   * @return each message's value as the relay will publish it (Confluent wire format), in the order
   *     given: a caller that keeps what it sent stores these bytes instead of encoding again
   */
  public List<byte[]> scheduleAll(List<Message> messages) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "Outbox.schedule must run inside the transaction of the state change it reports");
    }
    if (messages.isEmpty()) {
      return List.of();
    }
    List<OutboxRows.Encoded> encoded = new ArrayList<>(messages.size());
    // a decision's events carry the same retry context: encoded once (the messages are built)
    try (RedriveAvroSerializer.Sharing shared =
        messages.size() > 1 ? RedriveAvroSerializer.sharing(serializer) : () -> {}) {
      for (Message message : messages) {
        encoded.add(encode(message));
      }
    }
    List<PackedRow> rows = new ArrayList<>();
    for (OutboxRows.Row row : OutboxRows.pack(encoded, clock.instant(), shards, payloadRatio)) {
      packInto(row, rows);
    }
    learnPayloadRatio(rows);
    int size = messages.size();
    String[] rowNumbers = new String[size];
    String[] topics = new String[size];
    String[] keys = new String[size];
    String[] eventIds = new String[size];
    String[] types = new String[size];
    byte[][] packed = new byte[rows.size()][];
    String[] dueAt = new String[rows.size()];
    String[] holdScopes = new String[rows.size()];
    Integer[] rowShards = new Integer[rows.size()];
    int i = 0;
    for (int row = 0; row < rows.size(); row++) {
      OutboxRows.Row messagesOfRow = rows.get(row).row();
      for (OutboxRows.Encoded message : messagesOfRow.messages()) {
        rowNumbers[i] = Integer.toString(row + 1);
        topics[i] = message.topic();
        keys[i] = message.key();
        eventIds[i] = message.eventId();
        types[i] = message.eventType();
        i++;
      }
      packed[row] = rows.get(row).packedPayloads();
      dueAt[row] = messagesOfRow.dueAt().toString();
      holdScopes[row] = String.join(String.valueOf(SCOPE_SEPARATOR), messagesOfRow.holdScopes());
      rowShards[row] = messagesOfRow.shard();
    }
    // one row per packed row, in their order (ids follow it), its messages in their order
    jdbc.sql(
            """
            INSERT INTO outbox (topics, message_keys, event_ids, event_types, packed_payloads,
              due_at, hold_scopes, shard)
            SELECT m.topics, m.message_keys, m.event_ids, m.event_types, r.p, r.d::timestamptz,
              string_to_array(nullif(r.h, ''), chr(30)), r.s
            FROM unnest(?::bytea[], ?::text[], ?::text[], ?::int[]) WITH ORDINALITY AS r(p, d, h, s, g)
            JOIN (SELECT g::int AS g, array_agg(t ORDER BY n) AS topics,
                    array_agg(k ORDER BY n) AS message_keys, array_agg(e ORDER BY n) AS event_ids,
                    array_agg(y ORDER BY n) AS event_types
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    WITH ORDINALITY AS u(g, t, k, e, y, n)
                  GROUP BY g) m ON m.g = r.g
            ORDER BY r.g""")
        .param(packed)
        .param(dueAt)
        .param(holdScopes)
        .param(rowShards)
        .param(rowNumbers)
        .param(topics)
        .param(keys)
        .param(eventIds)
        .param(types)
        .update();
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            onCommit.run();
          }
        });
    List<byte[]> values = new ArrayList<>(size);
    for (OutboxRows.Encoded message : encoded) {
      values.add(message.payload());
    }
    return values;
  }

  /** A row with its payloads packed. */
  private record PackedRow(OutboxRows.Row row, byte[] packedPayloads) {}

  /**
   * Adds {@code row} with its payloads packed to {@code rows}, or, when they pack larger than its
   * cut expected and it has several messages, its {@linkplain OutboxRows.Row#halves halves}.
   */
  private static void packInto(OutboxRows.Row row, List<PackedRow> rows) {
    List<byte[]> payloads = new ArrayList<>(row.messages().size());
    for (OutboxRows.Encoded message : row.messages()) {
      payloads.add(message.payload());
    }
    byte[] packed = OutboxPayloads.pack(payloads);
    if (row.messages().size() > 1 && row.storedBytes(packed.length) > OutboxRows.ROW_BYTES) {
      for (OutboxRows.Row half : row.halves()) {
        packInto(half, rows);
      }
      return;
    }
    rows.add(new PackedRow(row, packed));
  }

  /**
   * Keeps the share of their payloads' bytes that {@code rows} packed to, for the next cut: the
   * events of a service repeat their schema's values, so the next ones pack alike (shared by the
   * threads that write, a guess that {@link #packInto} corrects when it is wrong).
   */
  private void learnPayloadRatio(List<PackedRow> rows) {
    long plain = 0;
    long packed = 0;
    for (PackedRow row : rows) {
      for (OutboxRows.Encoded message : row.row().messages()) {
        plain += message.payload().length;
      }
      packed += row.packedPayloads().length;
    }
    if (plain > 0) {
      payloadRatio = Math.min(1, (double) packed / plain);
    }
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
    OutboxRows.Encoded encoded =
        new OutboxRows.Encoded(
            topic.name(),
            Envelopes.executionId(generic),
            Envelopes.eventId(generic),
            Envelopes.eventType(generic),
            serializer.serialize(topic.name(), event),
            message.dueAt(),
            message.holdScopes());
    int bytes = recordBytes(encoded);
    if (bytes > maxMessageBytes) {
      throw new OutboxMessageTooLargeException(
          topic.name(),
          encoded.eventType(),
          Escaped.text(encoded.key(), 200),
          bytes,
          maxMessageBytes);
    }
    return encoded;
  }

  /**
   * The size of the Kafka record the relay makes of {@code message}, at most: its key, its value,
   * its two headers ({@link dev.redrive.support.kafka.RedriveHeaders}) and the overhead of a record
   * alone in its batch.
   */
  static int recordBytes(OutboxRows.Encoded message) {
    long bytes =
        (long) RECORD_OVERHEAD
            + OutboxRows.utf8Length(message.key())
            + message.payload().length
            + HEADER_OVERHEAD
            + RedriveHeaders.EVENT_TYPE.length()
            + OutboxRows.utf8Length(message.eventType())
            + HEADER_OVERHEAD
            + RedriveHeaders.EVENT_ID.length()
            + OutboxRows.utf8Length(message.eventId());
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }
}
