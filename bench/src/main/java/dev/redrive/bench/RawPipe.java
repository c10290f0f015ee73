package dev.redrive.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling: a consume-transform-produce loop with plain Kafka clients that reads the failure
 * records as bytes and writes one record per input to another topic, in one Kafka transaction per
 * poll that also commits the consumer offsets ({@code sendOffsetsToTransaction}). Exactly-once
 * between two topics, nothing else: no decoding, no database, no decision. The benchmark runs it in
 * a JVM of its own ({@link PipeProcess}).
 *
 * <p>Not transactional (for reference only): the same loop, at least once: send, flush, then {@code
 * commitSync} the offsets.
 */
final class RawPipe {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String input;
  private final String output;
  private HeldStart held = new HeldStart(true);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile RuntimeException failure;
  private long transactions;
  private long piped;
  private long commitNanos;
  private long maxCommitNanos;
  private long inputAgeMillis;
  private long offsetsNanos;

  private final boolean transactional;

  RawPipe(
      String bootstrapServers, String input, String output, String groupId, boolean transactional) {
    this.transactional = transactional;
    this.input = input;
    this.output = output;
    this.consumer = bytesConsumer(bootstrapServers, groupId);
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (transactional) {
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-tx");
    }
    this.producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "bench-pipe");
    thread.setDaemon(true);
  }

  /**
   * A consumer of the failure records as bytes that reads only committed records and commits
   * nothing itself (a contender commits its offsets its own way).
   */
  static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrapServers, String groupId) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            groupId,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Starts consuming as soon as the group gives this consumer its partitions. */
  void start() {
    started = true;
    thread.start();
  }

  /** Joins the group and holds the partitions without consuming them until {@link #release()}. */
  void startHeld() {
    held = new HeldStart(false);
    start();
  }

  /** Starts consuming what {@link #startHeld()} held. */
  void release() {
    held.release();
  }

  /** Waits until the group has given this consumer its partitions. */
  void awaitAssigned(Duration timeout) throws InterruptedException {
    held.awaitAssigned(timeout);
  }

  private void run() {
    try {
      if (transactional) {
        producer.initTransactions();
      }
      consumer.subscribe(
          List.of(input),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              held.assigned(consumer, partitions);
            }
          });
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(held.beforePoll(consumer));
        if (records.isEmpty()) {
          continue;
        }
        long polledAt = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          inputAgeMillis += polledAt - record.timestamp();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          offsets.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        long offsetsTime = 0;
        long commitStart;
        if (transactional) {
          producer.beginTransaction();
          for (ConsumerRecord<byte[], byte[]> record : records) {
            producer.send(new ProducerRecord<>(output, record.key(), record.value()));
          }
          long offsetsStart = System.nanoTime();
          producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          commitStart = System.nanoTime();
          offsetsTime = commitStart - offsetsStart;
          producer.commitTransaction();
        } else {
          for (ConsumerRecord<byte[], byte[]> record : records) {
            producer.send(new ProducerRecord<>(output, record.key(), record.value()));
          }
          commitStart = System.nanoTime();
          producer.flush();
          consumer.commitSync(offsets);
        }
        long commit = System.nanoTime() - commitStart;
        synchronized (this) {
          transactions++;
          piped += records.count();
          commitNanos += commit;
          offsetsNanos += offsetsTime;
          maxCommitNanos = Math.max(maxCommitNanos, commit);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
      producer.close(Duration.ofSeconds(5));
    }
  }

  RuntimeException failure() {
    return failure;
  }

  String stats() {
    return transactionStats(false);
  }

  /** How many transactions the pipe committed, how large, and how long a commit took. */
  synchronized String transactionStats() {
    return transactionStats(true);
  }

  /**
   * The same, without the age of the polled records when {@code withAge} is false (records produced
   * long before the pipe started).
   */
  synchronized String transactionStats(boolean withAge) {
    if (!transactional) {
      return String.format(
          "%,d polls of %.0f records on average; flush and commitSync %.1f ms on average%s",
          transactions,
          transactions == 0 ? 0.0 : (double) piped / transactions,
          transactions == 0 ? 0.0 : commitNanos / 1e6 / transactions,
          age(withAge));
    }
    return String.format(
        "%,d transactions of %.0f records on average; sendOffsetsToTransaction %.1f ms and"
            + " commitTransaction %.1f ms on average (%.1f ms at most)%s",
        transactions,
        transactions == 0 ? 0.0 : (double) piped / transactions,
        transactions == 0 ? 0.0 : offsetsNanos / 1e6 / transactions,
        transactions == 0 ? 0.0 : commitNanos / 1e6 / transactions,
        maxCommitNanos / 1e6,
        age(withAge));
  }

  private String age(boolean withAge) {
    return withAge && piped > 0
        ? String.format(
            "; a record was %.1f ms old when the pipe polled it, on average",
            (double) inputAgeMillis / piped)
        : "";
  }

  void close() throws InterruptedException {
    running = false;
    if (!started) {
      consumer.close();
      producer.close();
      return;
    }
    consumer.wakeup();
    thread.join(15_000);
  }
}
