package dev.redrive.support.config;

import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.DeadLetterRouting;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.kafka.RedriveErrorHandler;
import dev.redrive.support.limits.EventLimits;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.outbox.OutboxHolds;
import dev.redrive.support.outbox.OutboxLimitAdvice;
import dev.redrive.support.outbox.OutboxRelay;
import dev.redrive.support.outbox.OutboxSettings;
import dev.redrive.support.outbox.OutboxShards;
import dev.redrive.support.outbox.ParkedOutboxController;
import dev.redrive.support.outbox.ParkedRows;
import dev.redrive.support.outbox.ProcessedEvents;
import dev.redrive.support.outbox.ProcessedEventsPurge;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The plumbing every Redrive service shares: Avro on the wire, the dead-letter error handler, the
 * topics, the outbox and the processed-event log. Services only add their listeners and use cases.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(RedriveProperties.class)
public class RedriveSupportAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * Consumers read Avro through an {@link ErrorHandlingDeserializer}, so a record that does not
   * decode reaches the dead-letter topic at once instead of blocking its partition. Set {@code
   * spring.kafka.consumer.properties.spring.deserializer.value.delegate.class} to use another Avro
   * deserializer (Confluent's, for example). {@code isolation.level=read_committed} comes from
   * {@link RedriveKafkaDefaults}.
   */
  @Bean
  DefaultKafkaConsumerFactoryCustomizer redriveConsumerDefaults() {
    return factory -> {
      Map<String, Object> configs = new HashMap<>(factory.getConfigurationProperties());
      Map<String, Object> updates = new HashMap<>();
      updates.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
      if (!configs.containsKey(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS)) {
        updates.put(
            ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, RedriveAvroDeserializer.class);
      }
      if (!configs.containsKey(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)) {
        updates.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      }
      if (!configs.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
        // a crashed instance's partitions move after 10 s, not Kafka's default 45 s
        updates.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        updates.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
      }
      if (!configs.containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)) {
        // a dead-lettered record makes the container seek, and the next fetch waits for the one
        // in flight on idle partitions: Kafka's 500 ms made every poison record cost half a second
        updates.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
      }
      if (!configs.containsKey("specific.avro.reader")) {
        updates.put("specific.avro.reader", true);
      }
      factory.updateConfigs(updates);
    };
  }

  /** Serializes outgoing events with the configured registry (subject {@code <topic>-value}). */
  @Bean
  Serializer<Object> redriveEventSerializer(KafkaProperties kafkaProperties) {
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(kafkaProperties.buildProducerProperties(), false);
    return serializer;
  }

  @Bean
  DeadLetterRouting deadLetterRouting(
      KafkaProperties kafkaProperties,
      Serializer<Object> redriveEventSerializer,
      MeterRegistry meters) {
    return new DeadLetterRouting(
        kafkaProperties.buildProducerProperties(), redriveEventSerializer, meters);
  }

  /**
   * Error handler shared by every listener: a few retries, then the dead-letter topic. Decoding
   * errors and {@link InvalidEventException} go there at once; a database or schema registry outage
   * is waited out (see {@link RedriveErrorHandler}).
   */
  @Bean
  CommonErrorHandler redriveErrorHandler(
      DeadLetterRouting deadLetterRouting, RedriveProperties properties) {
    var kafka = properties.kafka();
    ExponentialBackOff duringOutage =
        new ExponentialBackOff(kafka.handlerRetryInterval().toMillis(), 2.0);
    duringOutage.setMaxInterval(kafka.outageMaxRetryInterval().toMillis());
    return new RedriveErrorHandler(
        deadLetterRouting,
        new FixedBackOff(kafka.handlerRetryInterval().toMillis(), kafka.handlerRetries()),
        duringOutage);
  }

  /** The Redrive topics and their dead-letter topics, created at start when missing. */
  @Bean
  KafkaAdmin.NewTopics redriveTopics(RedriveProperties properties) {
    List<NewTopic> topics = new ArrayList<>();
    if (properties.kafka().createTopics()) {
      for (Topic topic : RedriveTopics.ALL) {
        for (String name : List.of(topic.name(), topic.deadLetterTopic())) {
          topics.add(
              TopicBuilder.name(name)
                  .partitions(properties.kafka().partitions())
                  .replicas(properties.kafka().replicationFactor())
                  .build());
        }
      }
      topics.add(OutboxRelay.progressTopic(properties.kafka().replicationFactor()));
    }
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  @Bean
  @ConditionalOnProperty(name = "redrive.outbox.enabled", matchIfMissing = true)
  OutboxRelay outboxRelay(
      DataSource dataSource,
      KafkaProperties kafkaProperties,
      RedriveProperties properties,
      MeterRegistry meters) {
    var outbox = properties.outbox();
    Map<String, Object> producer = kafkaProperties.buildProducerProperties();
    checkMessageLimit(outbox.maxMessageBytes(), producer);
    return new OutboxRelay(
        dataSource,
        producer,
        new OutboxSettings(
            outbox.pollInterval(),
            outbox.batchSize(),
            outbox.sendTimeout(),
            outbox.retryBackoff(),
            outbox.transactionalIdPrefix(),
            outbox.shards()),
        meters);
  }

  /**
   * Start-up fails when an event the outbox accepts could be refused by the relay's own producer.
   */
  static void checkMessageLimit(int maxMessageBytes, Map<String, Object> producerConfig) {
    Object configured = producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    int maxRequestSize =
        configured == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(configured.toString());
    if (maxMessageBytes > maxRequestSize) {
      throw new IllegalStateException(
          "redrive.outbox.max-message-bytes (%d) is larger than the producer's max.request.size (%d): the relay could not send such an event. Lower redrive.outbox.max-message-bytes or raise spring.kafka.producer.properties.max.request.size (and the broker's message.max.bytes)"
              .formatted(maxMessageBytes, maxRequestSize));
    }
  }

  /** The producer's {@code max.request.size} when nothing sets it. */
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  Outbox outbox(
      JdbcClient jdbc,
      Serializer<Object> redriveEventSerializer,
      Clock clock,
      OutboxRelay relay,
      RedriveProperties properties) {
    // the writer packs rows by shard: the table's count must be settled before the first write
    int shards = OutboxShards.settle(jdbc, properties.outbox().shards());
    return new Outbox(
        jdbc,
        redriveEventSerializer,
        clock,
        relay::wakeUp,
        properties.outbox().maxMessageBytes(),
        shards);
  }

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  OutboxHolds outboxHolds(JdbcClient jdbc, OutboxRelay relay) {
    return new OutboxHolds(jdbc, relay::wakeUp);
  }

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  ParkedRows parkedOutboxRows(JdbcClient jdbc, OutboxRelay relay) {
    return new ParkedRows(jdbc, relay::wakeUp);
  }

  /** {@code GET /api/v1/outbox/parked} and re-queue, in every service that runs a relay. */
  @Bean
  @ConditionalOnBean(ParkedRows.class)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  ParkedOutboxController parkedOutboxController(ParkedRows parkedRows) {
    return new ParkedOutboxController(parkedRows);
  }

  /** 413 for a request whose event the outbox refused as too large. */
  @Bean
  @ConditionalOnBean(Outbox.class)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  OutboxLimitAdvice outboxLimitAdvice() {
    return new OutboxLimitAdvice();
  }

  /** The bounds of every field where data enters ({@code redrive.limits.*}). */
  @Bean
  InputLimits inputLimits(RedriveProperties properties) {
    return properties.limits().toInputLimits();
  }

  /** The intake check every listener makes of a consumed event before it acts on it. */
  @Bean
  EventLimits eventLimits(InputLimits inputLimits, MeterRegistry meters) {
    return new EventLimits(inputLimits, meters);
  }

  @Bean
  ProcessedEvents processedEvents(JdbcClient jdbc) {
    return new ProcessedEvents(jdbc);
  }

  /** Deletes processed-event ids older than {@code redrive.processed-events.retention}. */
  @Bean
  ProcessedEventsPurge processedEventsPurge(
      ProcessedEvents processedEvents,
      RedriveProperties properties,
      Clock clock,
      MeterRegistry meters) {
    RedriveProperties.Processed settings = properties.processedEvents();
    return new ProcessedEventsPurge(
        processedEvents,
        settings.toRetention(),
        settings.purgeInterval(),
        settings.purgeBatchSize(),
        clock,
        meters);
  }
}
