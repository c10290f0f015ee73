package dev.redrive.support.kafka;

import dev.redrive.support.log.LogText;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * Sends a record that cannot be handled to {@code <topic>.DLT} with the exception in its headers
 * ({@code kafka_dlt-exception-*}): the original bytes when it did not decode, the decoded event
 * (generated or generic Avro) when its handler failed. The root cause, in words, is in header
 * {@link RedriveHeaders#DLT_REASON}. Counts each one in {@code redrive.dlt.records{topic}} and logs
 * it.
 */
public class DeadLetterRouting implements ConsumerRecordRecoverer, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRouting.class);

  private final DefaultKafkaProducerFactory<Object, Object> producers;
  private final DeadLetterPublishingRecoverer recoverer;
  private final MeterRegistry meters;

  public DeadLetterRouting(
      Map<String, Object> producerConfig,
      Serializer<Object> eventSerializer,
      MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(GenericContainer.class, eventSerializer);
    this.producers =
        new DefaultKafkaProducerFactory<>(
            config, null, new DelegatingByTypeSerializer(byType, true));
    this.recoverer =
        new DeadLetterPublishingRecoverer(
            new KafkaTemplate<>(producers),
            (record, exception) -> new TopicPartition(record.topic() + Topic.DLT_SUFFIX, -1));
    this.recoverer.setHeadersFunction(
        (record, exception) ->
            new RecordHeaders()
                .add(
                    RedriveHeaders.DLT_REASON,
                    rootMessage(exception).getBytes(StandardCharsets.UTF_8)));
    this.meters = meters;
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    Counter.builder("redrive.dlt.records")
        .description("Records sent to a dead-letter topic")
        .tag("topic", record.topic())
        .register(meters)
        .increment();
    log.warn(
        "sending {}-{}@{} to {}{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.topic(),
        Topic.DLT_SUFFIX,
        LogText.escape(rootMessage(exception)));
    recoverer.accept(record, exception);
  }

  @Override
  public void destroy() {
    producers.destroy();
  }

  private static String rootMessage(Throwable exception) {
    Throwable cause = exception;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
