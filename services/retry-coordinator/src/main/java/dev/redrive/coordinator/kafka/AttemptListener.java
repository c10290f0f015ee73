package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.RecordAttempt;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.limits.EventLimits;
import java.util.List;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Transport only: takes the AttemptEvents of a poll apart and makes one call into {@link
 * RecordAttempt} for all of them. What fails is reported to the error handler as the failure of one
 * record ({@link BatchListenerFailedException}), never of the whole batch: the records before it
 * are committed, that one is retried or dead-lettered as its cause says, the rest come again.
 */
@Component
class AttemptListener {

  private static final LogAccessor LOG = new LogAccessor(LogFactory.getLog(AttemptListener.class));

  private final RecordAttempt recordAttempt;
  private final EventLimits limits;
  private final FailureDeclarations declarations;

  AttemptListener(
      RecordAttempt recordAttempt, EventLimits limits, FailureDeclarations declarations) {
    this.recordAttempt = recordAttempt;
    this.limits = limits;
    this.declarations = declarations;
  }

  @KafkaListener(
      id = "coordinator-attempts",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).ATTEMPTS.name()}",
      concurrency = "${redrive.coordinator.attempt-consumers:${redrive.kafka.partitions:3}}",
      // validated, and documented, in CoordinatorProperties.attemptsFetchMinBytes
      properties = "fetch.min.bytes=${redrive.coordinator.attempts-fetch-min-bytes:32768}",
      batch = "true")
  void on(List<ConsumerRecord<String, Object>> records) {
    boolean keyedByExecution = records.stream().allMatch(AttemptListener::keyedByExecution);
    BatchFailures.decide(
        records, this::report, reports -> recordAttempt.record(reports, keyedByExecution));
  }

  /**
   * Whether the record is keyed by its execution id, as the contract asks (one that did not decode
   * is left to its dead-letter topic): then every report of its execution comes on its partition.
   */
  private static boolean keyedByExecution(ConsumerRecord<String, Object> record) {
    return !(record.value() instanceof AttemptEvent event)
        || String.valueOf(event.getExecutionId()).equals(record.key());
  }

  /** The report a record carries; throws when it did not decode or is not a valid event. */
  private AttemptReport report(ConsumerRecord<String, Object> record) {
    DeserializationException undecodable =
        SerializationUtils.getExceptionFromHeader(
            record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    if (undecodable != null) {
      throw undecodable;
    }
    if (!(record.value() instanceof AttemptEvent event)) {
      throw new InvalidEventException(
          "expected an AttemptEvent, got "
              + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
    }
    Envelopes.requireEnvelope(event);
    limits.check(event);
    EventMeta meta = AvroMapping.meta(event);
    Object payload = event.getPayload();
    if (payload instanceof AttemptStarted started) {
      return new AttemptReport.Started(
          meta,
          started.getAttemptId(),
          started.getPhase(),
          started.getAttemptNumber(),
          started.getCommandId());
    } else if (payload instanceof AttemptSucceeded succeeded) {
      return new AttemptReport.Succeeded(
          meta,
          succeeded.getAttemptId(),
          succeeded.getPhase(),
          succeeded.getAttemptNumber(),
          succeeded.getDurationMs());
    } else if (payload instanceof AttemptFailed failed) {
      Failure failure = AvroMapping.failure(event, failed);
      FailureDeclarations.Declared declared = declarations.read(meta, failed);
      return new AttemptReport.Failed(
          meta, failure, declared.policy(), declared.loop(), failed.getAttributes());
    }
    throw new InvalidEventException(
        "AttemptEvent " + event.getEventId() + " has an unknown payload");
  }
}
