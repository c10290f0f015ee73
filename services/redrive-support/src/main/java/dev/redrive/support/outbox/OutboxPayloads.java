package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import dev.redrive.support.pack.PackedBytes;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an outbox row keeps its payloads: packed into one value ({@link PackedBytes}, column {@code
 * packed_payloads}, since V0_8) or, in rows written before, one per element of {@code payloads}. A
 * decision writes three events, two of which carry the same retry context, and the events of a row
 * share their schema's field values: packed, a row keeps about a quarter of its payload bytes (5.9
 * kB to 1.5 kB in the benchmark).
 */
final class OutboxPayloads {

  private static final Logger log = LoggerFactory.getLogger(OutboxPayloads.class);

  private OutboxPayloads() {}

  /** The payloads, in their order, as the {@code packed_payloads} of a row. */
  static byte[] pack(List<byte[]> payloads) {
    return PackedBytes.pack(payloads);
  }

  /**
   * The columns of an outbox (or parked) row that {@link #messagesOf} reads: {@code payloads} holds
   * the payloads of the rows written before the packed form (V0_8), one per element.
   */
  static final String COLUMNS =
      "id, topics, message_keys, event_ids, event_types, packed_payloads, payloads, due_at";

  /**
   * The messages of the row at the result set's cursor, in their order. When its packed payloads
   * cannot be read every message gets a null payload: the relay cannot send such a message ({@link
   * RelaySession#send}) and parks the row, so that it holds up only its own keys.
   */
  static List<OutboxRow> messagesOf(ResultSet rs) throws SQLException {
    long id = rs.getLong("id");
    String[] topics = strings(rs.getArray("topics"));
    String[] keys = strings(rs.getArray("message_keys"));
    String[] eventIds = strings(rs.getArray("event_ids"));
    String[] types = strings(rs.getArray("event_types"));
    byte[] packed = rs.getBytes("packed_payloads");
    List<byte[]> payloads;
    if (packed == null) {
      payloads = Arrays.asList((byte[][]) rs.getArray("payloads").getArray());
    } else {
      payloads = unpackOrNulls(id, packed, topics.length);
    }
    Instant dueAt = rs.getTimestamp("due_at").toInstant();
    List<OutboxRow> messages = new ArrayList<>(topics.length);
    for (int i = 0; i < topics.length; i++) {
      messages.add(
          new OutboxRow(id, topics[i], keys[i], eventIds[i], types[i], payloads.get(i), dueAt));
    }
    return messages;
  }

  private static List<byte[]> unpackOrNulls(long id, byte[] packed, int messages) {
    String why;
    try {
      List<byte[]> payloads = PackedBytes.unpack(packed);
      if (payloads.size() == messages) {
        return payloads;
      }
      why = payloads.size() + " payloads for " + messages + " messages";
    } catch (PackedBytes.UnreadableException unreadable) {
      why = unreadable.getMessage();
    }
    // DEBUG: the relay parks such a row and says so at WARN once; the listing of parked rows
    // reads it again on every request
    log.debug("outbox row {}: {}; its messages have no payload", id, why);
    return Arrays.asList(new byte[messages][]);
  }

  private static String[] strings(Array array) throws SQLException {
    return (String[]) array.getArray();
  }
}
