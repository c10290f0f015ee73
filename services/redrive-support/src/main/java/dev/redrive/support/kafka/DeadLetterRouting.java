package dev.redrive.support.kafka;

import dev.redrive.support.log.LogText;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Sends a record that cannot be handled to {@code <topic>.DLT} with the exception in its headers
 * ({@code kafka_dlt-exception-*}): the original bytes when it did not decode, the decoded event
 * (generated or generic Avro) when its handler failed. The root cause, in words, is in header
 * {@link RedriveHeaders#DLT_REASON}. Counts each one in {@code redrive.dlt.records{topic}} and logs
 * it.
 *
 * <p>A record near the producer's {@code max.request.size} may not fit once the exception headers
 * (a stack trace among them) are added: such a record is dead-lettered without its value and its
 * own headers, its reason saying so and where the record is ({@code
 * kafka_dlt-original-topic/partition/offset}). Before, the send failed, the error handler tried the
 * record again, and its partition stopped for good.
 *
 * <p>A record that is bad in itself (it does not decode, or is invalid) is dead-lettered once, by
 * the group that owns its topic ({@link DeadLetterOwners}); another group reading the same topic
 * counts it in {@code redrive.dlt.deferred{topic, group}}, logs it and goes on. A dead letter that
 * carries {@link RedriveHeaders#REPLAY_COUNT} was replayed by a person and failed again: it is
 * re-parked (dead-lettered again, keeping that header) and counted in {@code
 * redrive.dlt.reparked{topic}}.
 */
public class DeadLetterRouting implements ConsumerRecordRecoverer, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRouting.class);

  /** Room kept for the fixed headers a dead letter gets, besides the exception's stack trace. */
  static final int HEADER_ALLOWANCE = 8 * 1024;

  private final DefaultKafkaProducerFactory<Object, Object> producers;
  private final KafkaTemplate<Object, Object> template;
  private final DeadLetterPublishingRecoverer recoverer;
  private final MeterRegistry meters;
  private final int maxRequestSize;

  public DeadLetterRouting(
      Map<String, Object> producerConfig,
      Serializer<Object> eventSerializer,
      MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    Object configured = config.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    this.maxRequestSize =
        configured == null ? 1024 * 1024 : Integer.parseInt(configured.toString());
    Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(GenericContainer.class, eventSerializer);
    this.producers =
        new DefaultKafkaProducerFactory<>(
            config, null, new DelegatingByTypeSerializer(byType, true));
    this.template = new KafkaTemplate<>(producers);
    this.recoverer =
        new DeadLetterPublishingRecoverer(
            template,
            (record, exception) -> new TopicPartition(record.topic() + Topic.DLT_SUFFIX, -1));
    this.recoverer.setHeadersFunction(
        (record, exception) ->
            new RecordHeaders()
                .add(
                    RedriveHeaders.DLT_REASON,
                    rootMessage(exception).getBytes(StandardCharsets.UTF_8)));
    this.meters = meters;
    // at zero from the start, so that a dashboard shows 0 rather than no data
    for (Topic topic : RedriveTopics.ALL) {
      reparked(topic.name());
    }
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    String group = KafkaUtils.getConsumerGroupId();
    if (badInItself(exception) && !DeadLetterOwners.deadLetters(record.topic(), group)) {
      Counter.builder("redrive.dlt.deferred")
          .description(
              "Bad records that this group did not dead-letter because another group owns the"
                  + " topic and dead-letters them")
          .tag("topic", record.topic())
          .tag("group", group)
          .register(meters)
          .increment();
      log.warn(
          "group {} saw a bad record at {}-{}@{} and leaves it to group {}, which owns the topic"
              + " and dead-letters it: {}",
          group,
          record.topic(),
          record.partition(),
          record.offset(),
          DeadLetterOwners.owner(record.topic()),
          LogText.escape(rootMessage(exception)));
      return;
    }
    Header replays = record.headers().lastHeader(RedriveHeaders.REPLAY_COUNT);
    if (replays != null) {
      reparked(record.topic()).increment();
      log.warn(
          "{}-{}@{} failed again after {} replay(s): re-parking it in {}{}",
          record.topic(),
          record.partition(),
          record.offset(),
          LogText.escape(
              new String(
                  replays.value() == null ? new byte[0] : replays.value(), StandardCharsets.UTF_8)),
          record.topic(),
          Topic.DLT_SUFFIX);
    }
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
    if (tooLargeWithHeaders(record, exception)) {
      log.warn(
          "{}-{}@{} is too large for {}{} with its headers: sending it without its value",
          record.topic(),
          record.partition(),
          record.offset(),
          record.topic(),
          Topic.DLT_SUFFIX);
      sendWithoutValue(record, exception);
    } else {
      recoverer.accept(record, exception);
    }
  }

  private Counter reparked(String topic) {
    return Counter.builder("redrive.dlt.reparked")
        .description("Replayed records that failed again and were dead-lettered again")
        .tag("topic", topic)
        .register(meters);
  }

  /** Whether the record itself is at fault: it did not decode, or it is not a valid event. */
  static boolean badInItself(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof DeserializationException || cause instanceof InvalidEventException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether the dead letter would pass the producer's limit: the record, its own headers (but not
   * the deserializer's exception, which carries the bytes again and which the dead letter drops),
   * the exception's message and stack trace, and the fixed headers.
   */
  private boolean tooLargeWithHeaders(ConsumerRecord<?, ?> record, Exception exception) {
    StringWriter stackTrace = new StringWriter();
    exception.printStackTrace(new PrintWriter(stackTrace));
    long size =
        (long) Math.max(0, record.serializedKeySize())
            + Math.max(0, record.serializedValueSize())
            + stackTrace.getBuffer().length()
            + HEADER_ALLOWANCE;
    for (Header header : record.headers()) {
      if (!header.key().startsWith(SerializationUtils.DESERIALIZER_EXCEPTION_HEADER_PREFIX)) {
        size += header.key().length() + (header.value() == null ? 0 : header.value().length);
      }
    }
    return size > maxRequestSize;
  }

  private void sendWithoutValue(ConsumerRecord<?, ?> record, Exception exception) {
    String reason =
        "%s. The record (%d bytes) was too large to copy here with its headers: read it at %s-%d@%d"
            .formatted(
                rootMessage(exception),
                record.serializedValueSize(),
                record.topic(),
                record.partition(),
                record.offset());
    RecordHeaders headers = new RecordHeaders();
    headers.add(RedriveHeaders.DLT_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
    String group = KafkaUtils.getConsumerGroupId();
    if (group != null) {
      headers.add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, group.getBytes(StandardCharsets.UTF_8));
    }
    headers.add(
        KafkaHeaders.DLT_ORIGINAL_PARTITION,
        ByteBuffer.allocate(Integer.BYTES).putInt(record.partition()).array());
    headers.add(
        KafkaHeaders.DLT_ORIGINAL_OFFSET,
        ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
    Header replays = record.headers().lastHeader(RedriveHeaders.REPLAY_COUNT);
    if (replays != null) {
      headers.add(RedriveHeaders.REPLAY_COUNT, replays.value());
    }
    Object key = record.key() instanceof String ? record.key() : null;
    try {
      template
          .send(
              new ProducerRecord<Object, Object>(
                  record.topic() + Topic.DLT_SUFFIX, null, key, null, headers))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while dead-lettering " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not dead-letter " + record.topic() + " without its value", e);
    }
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
