package dev.redrive.support.outbox;

import static dev.redrive.support.outbox.RelaySession.PROGRESS_TOPIC;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads back what a relay last committed to Kafka: its latest record on {@link
 * RelaySession#PROGRESS_TOPIC}, the ids of the batch that an earlier session sent (and perhaps did
 * not delete). Owns the reader's Kafka clients, which connect with the cluster address and security
 * settings only, and read the partition to its end with {@code read_committed}.
 */
final class CommittedProgress {

  private static final TopicPartition PROGRESS = new TopicPartition(PROGRESS_TOPIC, 0);

  private final String relayId;
  private final Map<String, Object> clientConfig;
  private final Duration timeout;

  /**
   * @param clientConfig how to reach the cluster; producer settings in it are left out
   * @param timeout how long reading the partition to its end may take
   */
  CommittedProgress(String relayId, Map<String, Object> clientConfig, Duration timeout) {
    this.relayId = relayId;
    this.clientConfig = clientConfig;
    this.timeout = timeout;
  }

  /**
   * The last batch this relay committed to Kafka, read with {@code read_committed} up to the
   * partition's end (empty when there is none).
   */
  CommittedBatch lastBatch() {
    long end = highWatermark();
    Map<String, Object> config = new HashMap<>(readerConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    String last = "";
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(PROGRESS));
      consumer.seekToBeginning(List.of(PROGRESS));
      while (consumer.position(PROGRESS) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read "
                  + PROGRESS_TOPIC
                  + " to its end (offset "
                  + end
                  + ") within "
                  + timeout);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (relayId.equals(record.key()) && record.value() != null) {
            last = record.value();
          }
        }
      }
    }
    return new CommittedBatch(IdRanges.parse(last));
  }

  /** Offset after the last record written, committed or not: how far the reader must get. */
  private long highWatermark() {
    try (Admin admin = Admin.create(readerConfig())) {
      return admin
          .listOffsets(
              Map.of(PROGRESS, OffsetSpec.latest()),
              new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .partitionResult(PROGRESS)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + PROGRESS_TOPIC, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the end of " + PROGRESS_TOPIC, e);
    }
  }

  /** The cluster address and security settings, without the producer's own settings. */
  private Map<String, Object> readerConfig() {
    Map<String, Object> config = new HashMap<>();
    clientConfig.forEach(
        (key, value) -> {
          if (key.startsWith("bootstrap.")
              || key.startsWith("security.")
              || key.startsWith("sasl.")
              || key.startsWith("ssl.")
              || key.equals("client.dns.lookup")) {
            config.put(key, value);
          }
        });
    return config;
  }

  /** The ids of a committed batch. */
  record CommittedBatch(long[] ids) {
    long maxId() {
      return Arrays.stream(ids).max().orElse(0);
    }
  }
}
