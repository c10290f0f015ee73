package dev.redrive.support.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the messages of one transaction are packed into outbox rows: the messages with the same due
 * time share rows, in the order given, up to {@link #ROW_BYTES} a row as stored, with their
 * payloads compressed ({@link OutboxPayloads}). A message already due is due now, so every message
 * that is due at once shares rows.
 *
 * <p>PostgreSQL spends about as much to insert, read and delete a row whether it holds one small
 * message or several, and a decision writes three. The relay sends due rows in id order and the
 * messages of a row in their order, so packing changes no order that a consumer can see: messages
 * due at once keep their order, and a message due later is sent later whatever its position.
 */
final class OutboxRows {

  /**
   * At most this many bytes of messages share a row as it is stored (their payloads packed, {@link
   * OutboxPayloads}), so that a row stays below the outbox table's {@code toast_tuple_target}
   * (8,160) and is stored in its page. A larger message gets a row of its own.
   */
  static final int ROW_BYTES = 7_000;

  /**
   * The packed share of a payload's bytes that a cut into rows may expect at best: a row holds at
   * most {@code ROW_BYTES / MIN_PAYLOAD_RATIO} bytes of payloads before they are packed.
   */
  static final double MIN_PAYLOAD_RATIO = 0.1;

  /** What PostgreSQL stores for each element of the row's arrays besides its bytes, about. */
  private static final int ELEMENT_OVERHEAD = 4;

  private OutboxRows() {}

  /** A message, serialized, as the outbox stores it. */
  record Encoded(
      String topic,
      String key,
      String eventId,
      String eventType,
      byte[] payload,
      Instant dueAt,
      List<String> holdScopes) {

    /** What the row stores of this message besides its payload. */
    int metadataBytes() {
      return utf8Length(topic)
          + utf8Length(key)
          + utf8Length(eventId)
          + utf8Length(eventType)
          + 5 * ELEMENT_OVERHEAD;
    }

    /** What the row stores of this message if its payload packs to {@code payloadRatio}. */
    int bytes(double payloadRatio) {
      return metadataBytes() + (int) Math.ceil(payload.length * payloadRatio);
    }
  }

  /**
   * An outbox row: its messages in order, when it is due, the scopes that can hold it, and the
   * shard of its messages' keys ({@link OutboxShards}).
   */
  record Row(List<Encoded> messages, Instant dueAt, List<String> holdScopes, int shard) {

    /** The row's size as stored when its payloads pack to {@code packedPayloadBytes}. */
    int storedBytes(int packedPayloadBytes) {
      int bytes = packedPayloadBytes;
      for (Encoded message : messages) {
        bytes += message.metadataBytes();
      }
      return bytes;
    }

    /** Its messages in two rows, in their order: the first half's and the second's. */
    List<Row> halves() {
      int half = messages.size() / 2;
      return List.of(
          new Row(messages.subList(0, half), dueAt, holdScopes, shard),
          new Row(messages.subList(half, messages.size()), dueAt, holdScopes, shard));
    }
  }

  /** Messages that may share a row: the same due time, hold scopes and shard. */
  private record Group(Instant dueAt, List<String> holdScopes, int shard) {}

  /**
   * The rows for {@code messages}: one group per due time (a message due at or before {@code now}
   * is due {@code now}), hold scopes (a held row must hold no message that nobody paused) and shard
   * of the key among {@code shards} (a row is published by its shard's relay), in the order the
   * groups first appear, each cut into rows of at most {@link #ROW_BYTES} as stored, expecting each
   * payload to pack to {@code payloadRatio} of its bytes (the share the last rows packed to, at
   * least {@link #MIN_PAYLOAD_RATIO}; 1 when not known: a row of payloads that do not compress
   * still fits). A row that packs larger than expected is split by {@link Row#halves}. A message
   * joins an earlier group only if no earlier message of its key went to a later group with other
   * hold scopes: a held row holds the later rows of its key, so the message must not be sent ahead
   * of it.
   *
   * <p>A due time in the future is rounded up to the next {@link #DUE_STEP_MILLIS} milliseconds, so
   * that messages due within the same few milliseconds share a row: with the default back-off and
   * its jitter every retry command is due at a millisecond of its own, and would be a row of its
   * own. Rounded up, never down: a Kafka record's timestamp is the send time in whole milliseconds,
   * rounded down, so a message due at 10.0005 s and sent at 10.0007 s would carry 10.000 s and look
   * early to anyone who compares; it is sent at 10.010 s or later instead and carries a timestamp
   * no earlier than its due time.
   */
  static List<Row> pack(List<Encoded> messages, Instant now, int shards, double payloadRatio) {
    double ratio = Math.min(1, Math.max(MIN_PAYLOAD_RATIO, payloadRatio));
    List<Group> groupKeys = new ArrayList<>();
    List<List<Encoded>> groups = new ArrayList<>();
    Map<Group, Integer> latest = new HashMap<>();
    Map<String, List<Integer>> groupsOfKey = new HashMap<>();
    for (Encoded message : messages) {
      Instant due = message.dueAt().isAfter(now) ? roundUpToStep(message.dueAt()) : now;
      Group key = new Group(due, message.holdScopes(), OutboxShards.of(message.key(), shards));
      Integer index = latest.get(key);
      List<Integer> earlier = groupsOfKey.computeIfAbsent(message.key(), k -> new ArrayList<>());
      if (index == null || overtakes(index, message.holdScopes(), earlier, groupKeys)) {
        index = groups.size();
        groupKeys.add(key);
        groups.add(new ArrayList<>());
        latest.put(key, index);
      }
      groups.get(index).add(message);
      earlier.add(index);
    }
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      Group key = groupKeys.get(g);
      List<Encoded> row = new ArrayList<>();
      int bytes = 0;
      for (Encoded message : groups.get(g)) {
        int size = message.bytes(ratio);
        if (!row.isEmpty() && bytes + size > ROW_BYTES) {
          rows.add(new Row(List.copyOf(row), key.dueAt(), key.holdScopes(), key.shard()));
          row.clear();
          bytes = 0;
        }
        row.add(message);
        bytes += size;
      }
      rows.add(new Row(List.copyOf(row), key.dueAt(), key.holdScopes(), key.shard()));
    }
    return rows;
  }

  /**
   * Whether joining group {@code index} would send a message ahead of an earlier one of its key.
   */
  private static boolean overtakes(
      int index, List<String> holdScopes, List<Integer> earlierOfKey, List<Group> groupKeys) {
    for (int earlier : earlierOfKey) {
      if (earlier > index && !groupKeys.get(earlier).holdScopes().equals(holdScopes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The step that due times in the future are rounded up to: a retry is sent at most this much
   * later than it is due (and never earlier), and the retries of a batch due within it share rows.
   */
  static final long DUE_STEP_MILLIS = 10;

  /** {@code instant}, or the next multiple of {@link #DUE_STEP_MILLIS} since the epoch after it. */
  static Instant roundUpToStep(Instant instant) {
    long stepNanos = DUE_STEP_MILLIS * 1_000_000;
    long nanosIntoSecond = instant.getNano();
    long intoStep = nanosIntoSecond % stepNanos;
    return intoStep == 0 ? instant : instant.plusNanos(stepNanos - intoStep);
  }

  /** The length of {@code value} in UTF-8, without encoding it. */
  static int utf8Length(String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4; // with the low surrogate that follows
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
