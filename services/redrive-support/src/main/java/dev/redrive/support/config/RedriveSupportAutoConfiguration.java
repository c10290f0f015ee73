package dev.redrive.support.config;

import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.DeadLetterRouting;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.outbox.OutboxRelay;
import dev.redrive.support.outbox.OutboxSettings;
import dev.redrive.support.outbox.ProcessedEvents;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.transaction.support.TransactionTemplate;
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
   * deserializer (Confluent's, for example).
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
      if (!configs.containsKey(ConsumerConfig.ISOLATION_LEVEL_CONFIG)) {
        updates.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
   * errors and {@link InvalidEventException} go there at once.
   */
  @Bean
  CommonErrorHandler redriveErrorHandler(
      DeadLetterRouting deadLetterRouting, RedriveProperties properties) {
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            deadLetterRouting,
            new FixedBackOff(
                properties.kafka().handlerRetryInterval().toMillis(),
                properties.kafka().handlerRetries()));
    handler.addNotRetryableExceptions(InvalidEventException.class);
    return handler;
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
    }
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  @Bean
  @ConditionalOnProperty(name = "redrive.outbox.enabled", matchIfMissing = true)
  OutboxRelay outboxRelay(
      JdbcClient jdbc,
      TransactionTemplate transaction,
      KafkaProperties kafkaProperties,
      RedriveProperties properties,
      MeterRegistry meters) {
    Map<String, Object> producerConfig = new HashMap<>(kafkaProperties.buildProducerProperties());
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    var outbox = properties.outbox();
    return new OutboxRelay(
        jdbc,
        transaction,
        new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, byte[]>(producerConfig)),
        new OutboxSettings(
            outbox.pollInterval(), outbox.batchSize(), outbox.sendTimeout(), outbox.retryBackoff()),
        meters);
  }

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  Outbox outbox(
      JdbcClient jdbc, Serializer<Object> redriveEventSerializer, Clock clock, OutboxRelay relay) {
    return new Outbox(jdbc, redriveEventSerializer, clock, relay::wakeUp);
  }

  @Bean
  ProcessedEvents processedEvents(JdbcClient jdbc) {
    return new ProcessedEvents(jdbc);
  }
}
