package dev.redrive.testkit;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What another system does when it rolls back: writes a record in a Kafka transaction, waits until
 * the broker has it in the log, then aborts the transaction. A {@code read_uncommitted} consumer
 * sees the record; a {@code read_committed} one never does.
 */
public final class AbortedWrite {

  private AbortedWrite() {}

  /**
   * Writes {@code value} inside a transaction and aborts it.
   *
   * @param partition the partition, or null for the key's (as a plain send with that key)
   */
  public static <V> void write(
      String bootstrapServers,
      Serializer<V> valueSerializer,
      String topic,
      Integer partition,
      String key,
      V value) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "other-system-" + UUID.randomUUID());
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(config, new StringSerializer(), valueSerializer)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
      producer.abortTransaction();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write to " + topic, e);
    }
  }
}
