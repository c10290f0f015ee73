package dev.redrive.coordinator.kafka.deadletter;

import dev.redrive.coordinator.app.deadletter.DeadLetters;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Reads the dead-letter topics with a short-lived consumer of its own: no group, nothing committed,
 * partitions assigned and sought (by time when the selection starts at a time), so that listing
 * them never moves anyone's offsets. Each scan is bounded by the records it reads and by time.
 */
@Component
class KafkaDeadLetters implements DeadLetters {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicLong CLIENTS = new AtomicLong();

  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> decoderConfig;
  private final List<String> originalTopics;
  private final Duration scanTimeout;

  KafkaDeadLetters(KafkaProperties kafkaProperties, CoordinatorProperties properties) {
    Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    // a listing reads a partition to its end and moves on: an empty fetch must not wait Kafka's
    // 500 ms (it cost half a second per partition read)
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    // reading must never create a topic (a dead-letter topic of a source no record failed on yet)
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    this.consumerConfig = config;
    this.decoderConfig = new HashMap<>(kafkaProperties.buildConsumerProperties());
    this.decoderConfig.put("specific.avro.reader", false);
    Set<String> topics = new LinkedHashSet<>();
    RedriveTopics.ALL.forEach(topic -> topics.add(topic.name()));
    properties
        .sources()
        .values()
        .forEach(
            source -> {
              topics.add(source.topic());
              // its retry commands, which the audit reads (and dead-letters what it cannot read)
              if (!source.commandTopic().isBlank()) {
                topics.add(source.commandTopic());
              }
            });
    this.originalTopics = List.copyOf(topics);
    this.scanTimeout = properties.deadLetters().scanTimeout();
  }

  @Override
  public List<String> originalTopics() {
    return originalTopics;
  }

  @Override
  public Scan scan(Query query) {
    DeadLetterSelection selection = query.selection();
    List<DeadLetter> letters = new ArrayList<>();
    long scanned = 0;
    long deadline = System.nanoTime() + scanTimeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, selection.topic());
      // assigned (and paused) before the offsets are asked for: with read_committed, the answer
      // for a partition that is not assigned is logged as a warning
      consumer.assign(partitions);
      consumer.pause(partitions);
      Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> fromTime = startsAt(consumer, partitions, selection);
      int first = firstPartition(partitions, query.after());
      for (int i = first; i < partitions.size(); i++) {
        TopicPartition partition = partitions.get(i);
        long start = beginnings.getOrDefault(partition, 0L);
        if (query.after() != null && i == first && sameAs(partition, query.after())) {
          start = Math.max(start, query.after().offset());
        }
        if (fromTime.containsKey(partition)) {
          start = Math.max(start, fromTime.get(partition));
        }
        long end = ends.getOrDefault(partition, 0L);
        if (start >= end) {
          continue;
        }
        consumer.seek(partition, start);
        consumer.resume(List.of(partition));
        while (consumer.position(partition) < end) {
          if (scanned >= query.maxScanned() || System.nanoTime() > deadline) {
            String why =
                scanned >= query.maxScanned()
                    ? "read %d records, the most one request reads (redrive.coordinator.dead-letters.max-scanned); go on with 'next'"
                        .formatted(scanned)
                    : "took longer than %d s (redrive.coordinator.dead-letters.scan-timeout); go on with 'next'"
                        .formatted(scanTimeout.toSeconds());
            return new Scan(letters, at(partition, consumer.position(partition)), scanned, why);
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
            if (record.offset() >= end) {
              break;
            }
            scanned++;
            DeadLetter letter = DeadLetterRecords.letter(record);
            if (selection.matches(letter)) {
              letters.add(letter);
              if (letters.size() >= query.limit()) {
                boolean more = record.offset() + 1 < end || i + 1 < partitions.size();
                return new Scan(
                    letters, more ? at(partition, record.offset() + 1) : null, scanned, null);
              }
            }
          }
        }
        consumer.pause(List.of(partition));
      }
    }
    return new Scan(letters, null, scanned, null);
  }

  @Override
  public Optional<DeadLetter> find(DeadLetterCoordinates at) {
    if (!isDeadLetterTopic(at.topic())) {
      return Optional.empty();
    }
    TopicPartition partition = new TopicPartition(at.topic(), at.partition());
    long deadline = System.nanoTime() + scanTimeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<PartitionInfo> known = consumer.partitionsFor(at.topic(), METADATA_TIMEOUT);
      if (known == null || known.stream().noneMatch(p -> p.partition() == at.partition())) {
        return Optional.empty();
      }
      consumer.assign(List.of(partition));
      long begin = consumer.beginningOffsets(List.of(partition)).getOrDefault(partition, 0L);
      long end = consumer.endOffsets(List.of(partition)).getOrDefault(partition, 0L);
      if (at.offset() < begin || at.offset() >= end) {
        return Optional.empty();
      }
      consumer.seek(partition, at.offset());
      while (consumer.position(partition) <= at.offset() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
          if (record.offset() == at.offset()) {
            return Optional.of(DeadLetterRecords.letter(record));
          }
          if (record.offset() > at.offset()) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> decoded(DeadLetter letter) {
    if (letter.value() == null) {
      return Optional.empty();
    }
    try (RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer()) {
      deserializer.configure(decoderConfig, false);
      Object value = deserializer.deserialize(letter.originalTopic(), letter.value());
      return value instanceof GenericContainer
          ? Optional.of(GenericData.get().toString(value))
          : Optional.empty();
    } catch (RuntimeException notAvro) {
      return Optional.empty();
    }
  }

  @Override
  public Map<String, Long> sizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, null);
      consumer.assign(partitions);
      Map<TopicPartition, Long> beginnings =
          consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
      for (String topic : originalTopics) {
        sizes.put(topic + Topic.DLT_SUFFIX, 0L);
      }
      for (TopicPartition partition : partitions) {
        long size = ends.getOrDefault(partition, 0L) - beginnings.getOrDefault(partition, 0L);
        sizes.merge(partition.topic(), Math.max(0, size), Long::sum);
      }
    }
    return sizes;
  }

  private boolean isDeadLetterTopic(String topic) {
    return originalTopics.stream().anyMatch(t -> (t + Topic.DLT_SUFFIX).equals(topic));
  }

  /** The partitions of the dead-letter topics to read, in the listing's order. */
  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String original : originalTopics) {
      if (topic != null && !topic.equals(original)) {
        continue;
      }
      String deadLetterTopic = original + Topic.DLT_SUFFIX;
      List<PartitionInfo> infos = consumer.partitionsFor(deadLetterTopic, METADATA_TIMEOUT);
      if (infos == null) {
        continue;
      }
      infos.stream()
          .map(PartitionInfo::partition)
          .sorted()
          .forEach(p -> partitions.add(new TopicPartition(deadLetterTopic, p)));
    }
    return partitions;
  }

  /** Where each partition's records written at or after {@code from} start; absent = none. */
  private static Map<TopicPartition, Long> startsAt(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      DeadLetterSelection selection) {
    Map<TopicPartition, Long> starts = new HashMap<>();
    if (selection.from() == null || partitions.isEmpty()) {
      return starts;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, selection.from().toEpochMilli()));
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    consumer
        .offsetsForTimes(query)
        .forEach(
            (partition, found) ->
                starts.put(partition, found == null ? ends.get(partition) : offset(found)));
    return starts;
  }

  private static long offset(OffsetAndTimestamp found) {
    return found.offset();
  }

  private static int firstPartition(List<TopicPartition> partitions, Position after) {
    if (after == null) {
      return 0;
    }
    for (int i = 0; i < partitions.size(); i++) {
      if (sameAs(partitions.get(i), after)) {
        return i;
      }
    }
    return partitions.size();
  }

  private static boolean sameAs(TopicPartition partition, Position position) {
    return partition.topic().equals(position.topic())
        && partition.partition() == position.partition();
  }

  private static Position at(TopicPartition partition, long offset) {
    return new Position(partition.topic(), partition.partition(), offset);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(
        ConsumerConfig.CLIENT_ID_CONFIG, "coordinator-dead-letters-" + CLIENTS.incrementAndGet());
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
