package dev.redrive.faults;

import dev.redrive.support.kafka.RedriveHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.support.KafkaHeaders;

/** Reads a dead-letter topic from the beginning to its end, as bytes and headers. */
final class DeadLetters implements AutoCloseable {

  /** One dead letter: which consumer group sent it, why, and the original bytes. */
  record Letter(String group, String reason, byte[] key, byte[] value) {}

  private final KafkaConsumer<byte[], byte[]> consumer;

  DeadLetters(Stack stack) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "fault-dlt-" + UUID.randomUUID()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  /** Every record now on {@code topic}. */
  synchronized List<Letter> read(String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    List<Letter> letters = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
        && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        letters.add(
            new Letter(
                header(record, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP),
                header(record, RedriveHeaders.DLT_REASON),
                record.key(),
                record.value()));
      }
    }
    return letters;
  }

  long count(String topic, String group) {
    return read(topic).stream().filter(letter -> group.equals(letter.group())).count();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
