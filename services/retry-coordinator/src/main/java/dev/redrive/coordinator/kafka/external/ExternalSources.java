package dev.redrive.coordinator.kafka.external;

import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.RecordAttempt;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.config.CoordinatorProperties.SourceSettings;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.kafka.BatchFailures;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.limits.InputLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * One listener container per configured source ({@code redrive.coordinator.sources.<name>}): each
 * record of a poll of the source's topic is mapped to a failure, and the poll's failures are handed
 * to {@link RecordAttempt} as one batch (one transaction), exactly like a poll of AttemptFailed on
 * redrive.attempts ({@link BatchFailures}). A record that cannot be mapped stops the poll there:
 * the failures before it are decided, the shared error handler dead-letters it with the missing
 * field named, and the records after it come again. A poll holds at most the source's {@code
 * max-batch} records, and the broker gathers {@code fetch-min-bytes} before it answers a fetch.
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
    // as for Redrive's own consumers (RedriveSupportAutoConfiguration): a fetch that waits for
    // fetch-min-bytes, or follows a dead letter's seek, waits 100 ms at most, not Kafka's 500
    consumerConfig.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
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
              containerProperties.setKafkaConsumerProperties(pollSettings(source));
              containerProperties.setMessageListener(
                  (BatchMessageListener<String, byte[]>)
                      records ->
                          BatchFailures.decide(
                              records,
                              record -> {
                                ExternalFailureMapper.Mapped mapped = mapper.map(record);
                                return new AttemptReport.Failed(
                                    mapped.meta(),
                                    mapped.failure(),
                                    none,
                                    null,
                                    mapped.attributes());
                              },
                              recordAttempt::recordFromSource));
              var container =
                  new ConcurrentMessageListenerContainer<>(consumers, containerProperties);
              container.setCommonErrorHandler(errorHandler);
              container.setBeanName("coordinator-source-" + name);
              containers.add(container);
              describe(name, source);
            });
  }

  /** The source's batch bound and fetch size, over the shared consumer settings. */
  private static Properties pollSettings(SourceSettings source) {
    Properties settings = new Properties();
    settings.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(source.maxBatch()));
    settings.setProperty(
        ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(source.fetchMinBytes()));
    return settings;
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
        "source {}: reading {} failures from {} in batches of up to {}, retry commands to {}",
        name,
        source.format(),
        source.topic(),
        source.maxBatch(),
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
