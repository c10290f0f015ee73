package dev.redrive.coordinator;

import static org.awaitility.Awaitility.await;

import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.testkit.RedriveInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Typed send and read helpers for tests, on the real broker, with the test's schema registry. */
final class KafkaProbe implements AutoCloseable {

  private final RedriveInfrastructure infrastructure;
  private final String registryUrl;
  private final KafkaProducer<String, Object> avroProducer;
  private final KafkaProducer<String, byte[]> rawProducer;

  KafkaProbe(RedriveInfrastructure infrastructure, String registryUrl) {
    this.infrastructure = infrastructure;
    this.registryUrl = registryUrl;
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    this.avroProducer = new KafkaProducer<>(properties, new StringSerializer(), serializer);
    this.rawProducer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  void send(String topic, String key, Object value) throws Exception {
    avroProducer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  void sendRaw(String topic, String key, byte[] value) throws Exception {
    rawProducer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Sends to one partition, whatever the key (records meant to be read in one batch). */
  void send(String topic, int partition, String key, Object value) throws Exception {
    avroProducer.send(new ProducerRecord<>(topic, partition, key, value)).get();
  }

  void sendRaw(String topic, int partition, String key, byte[] value) throws Exception {
    rawProducer.send(new ProducerRecord<>(topic, partition, key, value)).get();
  }

  /**
   * Sends the values (key to value, in the map's order) to one partition in one Kafka transaction:
   * a {@code read_committed} consumer sees none of them until all are there, so they come in one
   * poll.
   */
  void sendRawInOneTransaction(String topic, int partition, Map<String, byte[]> values) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "probe-" + UUID.randomUUID());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      values.forEach(
          (key, value) -> producer.send(new ProducerRecord<>(topic, partition, key, value)));
      producer.commitTransaction();
    }
  }

  /** Sets a consumer group's committed offset (a group whose consumers are stopped). */
  void commitOffset(String group, TopicPartition partition, long offset) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset)))
          .all()
          .get();
    }
  }

  /**
   * How many records each of these keys has on the topic: waits until each has at least one, then
   * reads on to the end of the topic as it is then and 1 s more, as {@link #read} does.
   */
  Map<String, Integer> countByKey(String topic, Collection<String> keys) {
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      Runnable poll =
          () -> {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
              if (keys.contains(record.key())) {
                counts.merge(record.key(), 1, Integer::sum);
              }
            }
          };
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                poll.run();
                return counts.keySet().containsAll(keys);
              });
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                poll.run();
                return end.entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
              });
      long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < settle) {
        poll.run();
      }
    }
    return counts;
  }

  /**
   * The values with this key: waits until {@code expected} arrived, then reads on to the end of the
   * topic as it is then and 1 s more (two of the outbox relay's longest waits), so that an extra
   * one would be seen. Only the records with this key are decoded: the topic may hold records that
   * are not Avro (other tests' poison records), which are none of this read's business.
   */
  List<Object> read(String topic, String key, int expected) {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    List<Object> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                poll(consumer, key, deserializer, found);
                return found.size() >= expected;
              });
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                poll(consumer, key, deserializer, found);
                return end.entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
              });
      long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < settle) {
        poll(consumer, key, deserializer, found);
      }
    }
    return found;
  }

  /** The first raw record with this key (e.g. on a dead-letter topic), waiting up to 30 s. */
  ConsumerRecord<String, byte[]> firstRaw(String topic, String key) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (key.equals(record.key())) {
                    found.add(record);
                  }
                }
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }

  private static void poll(
      KafkaConsumer<String, byte[]> consumer,
      String key,
      RedriveAvroDeserializer deserializer,
      List<Object> into) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      if (key.equals(record.key())) {
        into.add(deserializer.deserialize(record.topic(), record.value()));
      }
    }
  }

  private Properties consumerProperties() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return properties;
  }

  @Override
  public void close() {
    avroProducer.close();
    rawProducer.close();
  }
}
