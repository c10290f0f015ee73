package dev.redrive.coordinator.kafka.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Translates between a record of a dead-letter topic and a {@link DeadLetter}: what Spring's {@code
 * kafka_dlt-*} headers and Redrive's {@code redrive-dlt-reason} say, and the headers a replayed
 * record goes back with (its own, without the dead-letter ones, plus the replay count).
 */
final class DeadLetterRecords {

  private DeadLetterRecords() {}

  static DeadLetter letter(ConsumerRecord<byte[], byte[]> record) {
    Headers headers = record.headers();
    List<DeadLetter.Header> all = new ArrayList<>();
    headers.forEach(h -> all.add(new DeadLetter.Header(h.key(), h.value())));
    // where Redrive's routing sent it from: the name without .DLT, never a header, so that a
    // record someone wrote into a dead-letter topic cannot make a replay send to another topic
    String originalTopic =
        record.topic().endsWith(Topic.DLT_SUFFIX)
            ? record.topic().substring(0, record.topic().length() - Topic.DLT_SUFFIX.length())
            : record.topic();
    String reason = text(headers, RedriveHeaders.DLT_REASON);
    return new DeadLetter(
        new DeadLetterCoordinates(record.topic(), record.partition(), record.offset()),
        originalTopic,
        (int) number(headers, KafkaHeaders.DLT_ORIGINAL_PARTITION),
        number(headers, KafkaHeaders.DLT_ORIGINAL_OFFSET),
        text(headers, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP),
        reason != null ? reason : text(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE),
        record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp()),
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        all,
        record.value(),
        replayCount(text(headers, RedriveHeaders.REPLAY_COUNT)));
  }

  /**
   * The headers a replayed letter goes back with: its own, in order, without Spring's dead-letter
   * headers, the dead-letter reason, a deserializer's exception or an earlier replay count; then
   * the new replay count.
   */
  static Headers replayHeaders(DeadLetter letter, int replayCount) {
    RecordHeaders headers = new RecordHeaders();
    for (DeadLetter.Header header : letter.headers()) {
      if (!isDeadLetterHeader(header.name())) {
        headers.add(header.name(), header.value());
      }
    }
    headers.add(
        RedriveHeaders.REPLAY_COUNT,
        Integer.toString(replayCount).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  static boolean isDeadLetterHeader(String name) {
    return name.startsWith("kafka_dlt-")
        || name.equals(RedriveHeaders.DLT_REASON)
        || name.equals(RedriveHeaders.REPLAY_COUNT)
        || name.startsWith(SerializationUtils.DESERIALIZER_EXCEPTION_HEADER_PREFIX);
  }

  /** A header as UTF-8 text; null when missing. */
  static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A header Spring writes as a big-endian int or long; -1 when missing or of another size. */
  static long number(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) {
      return -1;
    }
    byte[] value = header.value();
    return switch (value.length) {
      case Integer.BYTES -> ByteBuffer.wrap(value).getInt();
      case Long.BYTES -> ByteBuffer.wrap(value).getLong();
      default -> -1;
    };
  }

  private static int replayCount(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
