package dev.redrive.coordinator.kafka.external;

import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.RecordAttempt;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.config.CoordinatorProperties.SourceSettings;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.limits.InputLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * One listener container per configured source ({@code redrive.coordinator.sources.<name>}): each
 * record of the source's topic is mapped to a failure and handed to {@link RecordAttempt}, exactly
 * like an AttemptFailed on redrive.attempts. The shared error handler dead-letters what cannot be
 * mapped, with the missing field named.
 */
@Component
class ExternalSources implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ExternalSources.class);

  private final List<ConcurrentMessageListenerContainer<String, byte[]>> containers =
      new ArrayList<>();
  private volatile boolean running;

  ExternalSources(
      CoordinatorProperties properties,
      KafkaProperties kafkaProperties,
      CommonErrorHandler errorHandler,
      RecordAttempt recordAttempt,
      JsonMapper json,
      InputLimits limits,
      MeterRegistry meters) {
    Map<String, Object> consumerConfig = new HashMap<>(kafkaProperties.buildConsumerProperties());
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, properties.sourcesGroupId());
    var consumers =
        new DefaultKafkaConsumerFactory<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    properties
        .sources()
        .forEach(
            (name, source) -> {
              ExternalFailureMapper mapper =
                  new ExternalFailureMapper(
                      name, source, json, avroDeserializer(kafkaProperties), limits, meters);
              PolicyOverride none = PolicyOverride.NONE;
              ContainerProperties containerProperties = new ContainerProperties(source.topic());
              containerProperties.setMessageListener(
                  (MessageListener<String, byte[]>)
                      record -> {
                        ExternalFailureMapper.Mapped mapped = mapper.map(record);
                        recordAttempt.recordFromSource(
                            List.of(
                                new AttemptReport.Failed(
                                    mapped.meta(),
                                    mapped.failure(),
                                    none,
                                    null,
                                    mapped.attributes())));
                      });
              var container =
                  new ConcurrentMessageListenerContainer<>(consumers, containerProperties);
              container.setCommonErrorHandler(errorHandler);
              container.setBeanName("coordinator-source-" + name);
              containers.add(container);
              describe(name, source);
            });
  }

  private static RedriveAvroDeserializer avroDeserializer(KafkaProperties kafkaProperties) {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
    config.put("specific.avro.reader", false);
    deserializer.configure(config, false);
    return deserializer;
  }

  private static void describe(String name, SourceSettings source) {
    log.info(
        "source {}: reading {} failures from {}, retry commands to {}",
        name,
        source.format(),
        source.topic(),
        source.commandTopic().isBlank() ? "redrive.commands" : source.commandTopic());
  }

  @Override
  public void start() {
    containers.forEach(ConcurrentMessageListenerContainer::start);
    running = true;
  }

  @Override
  public void stop() {
    containers.forEach(ConcurrentMessageListenerContainer::stop);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
