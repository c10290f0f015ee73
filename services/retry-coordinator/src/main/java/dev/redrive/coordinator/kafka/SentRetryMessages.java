package dev.redrive.coordinator.kafka;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.coordinator.app.SentRetries;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.support.avro.AvroSerdeConfig;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.SchemaRegistryClient;
import dev.redrive.support.avro.SchemaRegistryClients;
import dev.redrive.support.pack.PackedBytes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The format of {@link SentRetries}: a retry's RetryCommand and its RetryScheduled decision, each
 * the value the relay publishes (Confluent wire format), packed into one LZ4 value ({@code
 * retry_context.sent_messages}, V19), and read back through the schema registry as any consumer
 * reads them, so a newer coordinator reads what an older one kept. What is read is what was sent:
 * an error type or message that a failure did not have reads as "" (the contract's strings are not
 * null), and times to the millisecond.
 */
@Component
public class SentRetryMessages implements SentRetries.Reader {

  /** The "topic" a deserializer's errors name for these values. */
  private static final String WHERE = "retry_context.sent_messages";

  private final RedriveAvroDeserializer deserializer;

  /** Reads through the schema registry of the coordinator's consumers. */
  @Autowired
  public SentRetryMessages(KafkaProperties kafkaProperties) {
    this(SchemaRegistryClients.create(kafkaProperties.buildConsumerProperties()));
  }

  /** Reads through {@code registry}. */
  public SentRetryMessages(SchemaRegistryClient registry) {
    this.deserializer = new RedriveAvroDeserializer(registry);
    deserializer.configure(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
  }

  /** The value of {@code sent_messages}: the command's and the RetryScheduled's values. */
  public static byte[] pack(byte[] retryCommand, byte[] retryScheduled) {
    return PackedBytes.pack(List.of(retryCommand, retryScheduled));
  }

  @Override
  public RetryContext context(byte[] packed) {
    CommandEvent event = read(packed, 0, CommandEvent.class);
    if (!(event.getPayload() instanceof RetryCommand command)) {
      throw damaged("a " + event.getPayload().getClass().getSimpleName() + " where a RetryCommand");
    }
    return AvroMapping.context(command.getContext());
  }

  @Override
  public ExplainedDecision decision(byte[] packed, PolicyOverride declared) {
    DecisionEvent event = read(packed, 1, DecisionEvent.class);
    if (!(event.getPayload() instanceof RetryScheduled scheduled)) {
      throw damaged(
          "a " + event.getPayload().getClass().getSimpleName() + " where a RetryScheduled");
    }
    return new ExplainedDecision(
        scheduled.getPhase(),
        scheduled.getAttemptNumber() - 1,
        ExplainedDecision.RETRY,
        null,
        scheduled.getReason(),
        event.getOccurredAt(),
        scheduled.getNotBefore(),
        declared,
        DecisionRecords.explanation(scheduled.getExplanation()));
  }

  private <T> T read(byte[] packed, int index, Class<T> type) {
    List<byte[]> parts;
    try {
      parts = PackedBytes.unpack(packed);
    } catch (PackedBytes.UnreadableException e) {
      throw damaged(e.getMessage());
    }
    if (parts.size() != 2) {
      throw damaged(parts.size() + " parts where a retry's command and RetryScheduled are 2");
    }
    Object value;
    try {
      value = deserializer.deserialize(WHERE, parts.get(index));
    } catch (SerializationException e) {
      throw new SentRetries.UnreadableException(
          "a retry's messages could not be read back through the schema registry (check that it"
              + " answers and still holds the schemas they were written with): "
              + e.getMessage(),
          true,
          e);
    }
    if (!type.isInstance(value)) {
      throw damaged(
          (value == null ? "nothing" : "a " + value.getClass().getSimpleName())
              + " where a "
              + type.getSimpleName());
    }
    return type.cast(value);
  }

  private static SentRetries.UnreadableException damaged(String what) {
    return new SentRetries.UnreadableException(
        "a retry's messages as sent are damaged: " + what, false, null);
  }
}
