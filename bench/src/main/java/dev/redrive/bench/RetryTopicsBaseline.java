package dev.redrive.bench;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.EnableKafkaRetryTopic;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationBuilder;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationSupport;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * What a Spring user would build instead: Spring Kafka's non-blocking retries ({@code
 * RetryTopicConfigurationBuilder}, the programmatic form of {@code @RetryableTopic}) with the same
 * policy as Redrive's default (2 attempts, no back-off). The listener reads the failure events
 * (Avro, through the same deserializer as the coordinator) and throws for each one on the main
 * topic, so the container forwards it to the retry topic; on the retry topic it succeeds.
 *
 * <p>Two variants. {@code defaults}: Spring Kafka's and the Kafka client's defaults. After each
 * failed record the error handler seeks back and the remaining records of the poll are fetched
 * again, and the forwarding send waits for its acknowledgement after the producer's 5 ms linger.
 * {@code tuned} (the baseline the targets are measured against, the stronger one): the error
 * handler keeps the remaining records instead of seeking ({@code setSeekAfterError(false)}) and the
 * forwarding producer does not linger ({@code linger.ms=0}); two one-line changes a Spring user
 * would make after profiling.
 */
final class RetryTopicsBaseline implements AutoCloseable {

  /** The group of the main topic's listener. */
  static final String GROUP = "bench-retry-topics";

  /** The retry topic Spring Kafka derives for a fixed (zero) back-off with 2 attempts. */
  static final String RETRY_TOPIC = RedriveTopics.ATTEMPTS.name() + "-retry";

  private final AnnotationConfigApplicationContext context;

  /** Where the context finds the broker and registry. */
  record Settings(String bootstrapServers, String registryUrl, int partitions, boolean tuned) {}

  RetryTopicsBaseline(Settings settings) {
    context = new AnnotationConfigApplicationContext();
    context.registerBean(Settings.class, () -> settings);
    context.register(Config.class, settings.tuned() ? Tuned.class : Defaults.class);
    context.refresh();
  }

  /** Starts the listener containers (main topic and retry topic). */
  void start() {
    context.getBean(KafkaListenerEndpointRegistry.class).getAllListenerContainers().stream()
        .forEach(MessageListenerContainer::start);
  }

  @Override
  public void close() {
    context.close();
  }

  /** The listener: the first attempt fails, the retry succeeds. */
  static class FailingListener {

    @KafkaListener(
        id = GROUP,
        groupId = GROUP,
        topics = "#{T(dev.redrive.support.topic.RedriveTopics).ATTEMPTS.name()}",
        autoStartup = "false")
    void on(ConsumerRecord<String, AttemptEvent> record) {
      if (record.topic().equals(RedriveTopics.ATTEMPTS.name())) {
        throw new IllegalStateException(
            "phase " + record.value().getExecutionId() + " failed; retry it");
      }
    }
  }

  /** Spring Kafka's retry-topic infrastructure as it comes. */
  @Configuration(proxyBeanMethods = false)
  @EnableKafkaRetryTopic
  static class Defaults {}

  /** The same, with an error handler that does not seek back after each failed record. */
  @Configuration(proxyBeanMethods = false)
  static class Tuned extends RetryTopicConfigurationSupport {
    @Override
    protected void configureCustomizers(CustomizersConfigurer customizers) {
      customizers.customizeErrorHandler(handler -> handler.setSeekAfterError(false));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableKafka
  static class Config {

    @Bean
    FailingListener failingListener() {
      return new FailingListener();
    }

    /** Spring Boot would provide it; the retry topics need one to pause and resume partitions. */
    @Bean
    ThreadPoolTaskScheduler taskScheduler() {
      ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
      scheduler.setThreadNamePrefix("bench-retry-scheduler-");
      return scheduler;
    }

    @Bean
    KafkaAdmin kafkaAdmin(Settings settings) {
      return new KafkaAdmin(Map.of("bootstrap.servers", settings.bootstrapServers()));
    }

    @Bean
    ConsumerFactory<String, Object> consumerFactory(Settings settings) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
      config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, RedriveAvroDeserializer.class);
      config.put("schema.registry.url", settings.registryUrl());
      config.put("specific.avro.reader", true);
      return new DefaultKafkaConsumerFactory<>(config);
    }

    @Bean
    KafkaTemplate<String, Object> kafkaTemplate(Settings settings) {
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, RedriveAvroSerializer.class);
      config.put("schema.registry.url", settings.registryUrl());
      if (settings.tuned()) {
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      }
      return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, Object> kafkaListenerContainerFactory(
        ConsumerFactory<String, Object> consumerFactory) {
      ConcurrentKafkaListenerContainerFactory<String, Object> factory =
          new ConcurrentKafkaListenerContainerFactory<>();
      factory.setConsumerFactory(consumerFactory);
      factory.setAutoStartup(false);
      return factory;
    }

    @Bean
    RetryTopicConfiguration retryTopics(Settings settings, KafkaTemplate<String, Object> template) {
      return RetryTopicConfigurationBuilder.newInstance()
          .includeTopic(RedriveTopics.ATTEMPTS.name())
          .maxAttempts(2)
          .noBackoff()
          .autoCreateTopicsWith(settings.partitions(), (short) 1)
          .create(template);
    }
  }
}
