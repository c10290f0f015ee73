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
import dev.redrive.support.pack.PackedBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * A retry as the coordinator told the world of it: its RetryCommand, which carries the context, and
 * its RetryScheduled decision, which carries the why, each the value the relay publishes (Confluent
 * wire format), packed into one LZ4 value ({@code retry_context.sent_messages}, V19). The outbox
 * encodes both anyway, so keeping them costs a copy; writing the context and the why once more as
 * JSON cost about a fifth of the attempts consumers' CPU per retry (issue 16). They are read back
 * through the schema registry, as any consumer reads them, so a newer coordinator reads what an
 * older one kept.
 */
@Component
public class SentRetryMessages implements SentRetries.Reader {

  /** The "topic" a deserializer's errors name for these values. */
  private static final String WHERE = "retry_context.sent_messages";

  private final Deserializer<Object> deserializer;

  /** Reads with the registry of the coordinator's consumers. */
  @Autowired
  public SentRetryMessages(KafkaProperties kafkaProperties) {
    this(specificReader(kafkaProperties.buildConsumerProperties()));
  }

  /**
   * Reads with {@code deserializer}, which must give the generated classes ({@code
   * specific.avro.reader=true}).
   */
  public SentRetryMessages(Deserializer<Object> deserializer) {
    this.deserializer = deserializer;
  }

  private static Deserializer<Object> specificReader(Map<String, Object> consumerProperties) {
    Map<String, Object> config = new HashMap<>(consumerProperties);
    config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(config, false);
    return deserializer;
  }

  /** The value of {@code sent_messages}: the command's and the RetryScheduled's values. */
  public static byte[] pack(byte[] retryCommand, byte[] retryScheduled) {
    return PackedBytes.pack(List.of(retryCommand, retryScheduled));
  }

  @Override
  public RetryContext context(byte[] packed) {
    CommandEvent event = (CommandEvent) read(part(packed, 0));
    return AvroMapping.context(((RetryCommand) event.getPayload()).getContext());
  }

  @Override
  public ExplainedDecision decision(byte[] packed, PolicyOverride declared) {
    DecisionEvent event = (DecisionEvent) read(part(packed, 1));
    RetryScheduled scheduled = (RetryScheduled) event.getPayload();
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

  private Object read(byte[] value) {
    return deserializer.deserialize(WHERE, value);
  }

  private static byte[] part(byte[] packed, int index) {
    List<byte[]> parts = PackedBytes.unpack(packed);
    if (parts.size() != 2) {
      throw new PackedBytes.UnreadableException(
          parts.size() + " parts where a retry's command and RetryScheduled are 2");
    }
    return parts.get(index);
  }
}
