package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.RecordAttempt;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Transport only: takes an AttemptEvent apart and makes one call into {@link RecordAttempt}. */
@Component
class AttemptListener {

  private final RecordAttempt recordAttempt;

  AttemptListener(RecordAttempt recordAttempt) {
    this.recordAttempt = recordAttempt;
  }

  @KafkaListener(
      id = "coordinator-attempts",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).ATTEMPTS.name()}")
  void on(AttemptEvent event) {
    Envelopes.requireEnvelope(event);
    EventMeta meta = AvroMapping.meta(event);
    Object payload = event.getPayload();
    if (payload instanceof AttemptStarted started) {
      recordAttempt.started(
          meta,
          started.getAttemptId(),
          started.getPhase(),
          started.getAttemptNumber(),
          started.getCommandId());
    } else if (payload instanceof AttemptSucceeded succeeded) {
      recordAttempt.succeeded(
          meta,
          succeeded.getAttemptId(),
          succeeded.getPhase(),
          succeeded.getAttemptNumber(),
          succeeded.getDurationMs());
    } else if (payload instanceof AttemptFailed failed) {
      recordAttempt.failed(
          meta,
          AvroMapping.failure(event, failed),
          DeclaredPolicy.from(failed.getAttributes()),
          failed.getAttributes());
    } else {
      throw new InvalidEventException(
          "AttemptEvent " + event.getEventId() + " has an unknown payload");
    }
  }
}
