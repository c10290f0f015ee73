package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payloads of an outbox row as one LZ4-compressed value (column {@code packed_payloads}).
 *
 * <p>A decision writes three events, two of which carry the same retry context, and the events of a
 * row share their schema's field values (the pipeline, the phase, the policy's words): LZ4 keeps
 * about a quarter of a row's bytes (5.9 kB to 1.5 kB in the benchmark), and PostgreSQL's cost of an
 * outbox row follows its bytes (written to the table and the WAL, read back by the relay).
 * PostgreSQL's own column compression is not used because pglz was measured too slow here and lz4
 * is not built into every PostgreSQL (the embedded one the tests use lacks it).
 *
 * <p>Format: one byte of version ({@value #VERSION}), the uncompressed length as a four-byte int,
 * then the LZ4 block of the payloads, each as a four-byte length and its bytes.
 */
final class OutboxPayloads {

  private static final Logger log = LoggerFactory.getLogger(OutboxPayloads.class);

  static final byte VERSION = 1;

  /**
   * No row unpacks to more than this (a packed row holds about {@link OutboxRows#ROW_BYTES}, or one
   * message up to {@code redrive.outbox.max-message-bytes}): a damaged length cannot make the relay
   * allocate more.
   */
  static final int MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

  private OutboxPayloads() {}

  /** The payloads, in their order, as one value. */
  static byte[] pack(List<byte[]> payloads) {
    int length = 0;
    for (byte[] payload : payloads) {
      length += Integer.BYTES + payload.length;
    }
    ByteBuffer plain = ByteBuffer.allocate(length);
    for (byte[] payload : payloads) {
      plain.putInt(payload.length).put(payload);
    }
    byte[] packed = new byte[1 + Integer.BYTES + COMPRESSOR.maxCompressedLength(length)];
    packed[0] = VERSION;
    ByteBuffer.wrap(packed, 1, Integer.BYTES).putInt(length);
    int compressed =
        COMPRESSOR.compress(plain.array(), 0, length, packed, 1 + Integer.BYTES, packed.length - 5);
    byte[] exact = new byte[1 + Integer.BYTES + compressed];
    System.arraycopy(packed, 0, exact, 0, exact.length);
    return exact;
  }

  /**
   * The payloads of a packed value, in their order.
   *
   * @throws UnreadablePayloadsException when the value is not one that {@link #pack} wrote
   */
  static List<byte[]> unpack(byte[] packed) {
    if (packed.length < 1 + Integer.BYTES || packed[0] != VERSION) {
      throw new UnreadablePayloadsException(
          "unknown format (version byte " + (packed.length == 0 ? "missing" : packed[0]) + ")");
    }
    int length = ByteBuffer.wrap(packed, 1, Integer.BYTES).getInt();
    if (length < 0 || length > MAX_UNPACKED_BYTES) {
      throw new UnreadablePayloadsException("unpacked length " + length + " out of range");
    }
    byte[] plain = new byte[length];
    try {
      int read = DECOMPRESSOR.decompress(packed, 5, packed.length - 5, plain, 0, length);
      if (read != length) {
        throw new UnreadablePayloadsException(read + " bytes unpacked, " + length + " expected");
      }
    } catch (LZ4Exception e) {
      throw new UnreadablePayloadsException("LZ4: " + e.getMessage());
    }
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    List<byte[]> payloads = new ArrayList<>();
    while (buffer.hasRemaining()) {
      if (buffer.remaining() < Integer.BYTES) {
        throw new UnreadablePayloadsException("truncated length at byte " + buffer.position());
      }
      int size = buffer.getInt();
      if (size < 0 || size > buffer.remaining()) {
        throw new UnreadablePayloadsException("payload of " + size + " bytes past the end");
      }
      byte[] payload = new byte[size];
      buffer.get(payload);
      payloads.add(payload);
    }
    return payloads;
  }

  /** A packed value that {@link #unpack} cannot read. */
  static final class UnreadablePayloadsException extends RuntimeException {
    UnreadablePayloadsException(String detail) {
      super("the outbox row's packed payloads cannot be read: " + detail);
    }
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
      List<byte[]> payloads = unpack(packed);
      if (payloads.size() == messages) {
        return payloads;
      }
      why = payloads.size() + " payloads for " + messages + " messages";
    } catch (UnreadablePayloadsException unreadable) {
      why = unreadable.getMessage();
    }
    log.warn("outbox row {}: {}; the relay cannot send it (it parks such a row)", id, why);
    return Arrays.asList(new byte[messages][]);
  }

  private static String[] strings(Array array) throws SQLException {
    return (String[]) array.getArray();
  }
}
