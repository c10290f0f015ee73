package dev.redrive.faults;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything on {@code redrive.commands} as a plain {@code read_committed} consumer sees it, from
 * the beginning and in offset order, with nothing deduplicated: a command sent twice is seen twice.
 */
final class CommandLog implements AutoCloseable {

  /** One retry command as read. */
  record Seen(
      String executionId,
      String phase,
      int attemptNumber,
      String eventId,
      int partition,
      long offset,
      long atNanos) {
    String failureKey() {
      return FailureStream.key(executionId, phase);
    }
  }

  private final List<Seen> seen = new ArrayList<>();
  private final Map<String, Integer> countByKey = new ConcurrentHashMap<>();
  private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  CommandLog(String bootstrapServers, String registryUrl) {
    RedriveAvroDeserializer avro = new RedriveAvroDeserializer();
    avro.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Deserializer<Object> values = (Deserializer) avro;
    KafkaConsumer<String, Object> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "fault-checker-" + UUID.randomUUID()),
            new StringDeserializer(),
            values);
    thread = new Thread(() -> read(consumer), "command-log");
    thread.setDaemon(true);
    thread.start();
  }

  private void read(KafkaConsumer<String, Object> consumer) {
    try (consumer) {
      String topic = RedriveTopics.COMMANDS.name();
      List<PartitionInfo> partitions = List.of();
      while (running && partitions.isEmpty()) {
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null) {
          partitions = List.of();
        }
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      while (running) {
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() instanceof CommandEvent event
              && event.getPayload() instanceof RetryCommand command) {
            Seen one =
                new Seen(
                    event.getExecutionId(),
                    command.getPhase(),
                    command.getAttemptNumber(),
                    event.getEventId(),
                    record.partition(),
                    record.offset(),
                    System.nanoTime());
            synchronized (seen) {
              seen.add(one);
            }
            countByKey.merge(one.failureKey(), 1, Integer::sum);
            firstSeenNanos.putIfAbsent(one.failureKey(), one.atNanos());
          }
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        failure = e;
      }
    }
  }

  List<Seen> seen() {
    if (failure != null) {
      throw failure;
    }
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** How many distinct failures (execution and phase) have at least one command. */
  int answered() {
    return countByKey.size();
  }

  boolean answered(String failureKey) {
    return countByKey.containsKey(failureKey);
  }

  Map<String, Long> firstSeenNanos() {
    return firstSeenNanos;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
