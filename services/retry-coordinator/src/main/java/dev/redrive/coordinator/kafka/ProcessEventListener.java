package dev.redrive.coordinator.kafka;

import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.coordinator.app.RecordExecutionEnd;
import dev.redrive.support.kafka.Envelopes;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Transport only: the runner's word that an execution ended, so that the coordinator's status (and
 * its refusal to retry a finished execution) is right. Other process events are not its concern.
 */
@Component
class ProcessEventListener {

  private final RecordExecutionEnd recordExecutionEnd;

  ProcessEventListener(RecordExecutionEnd recordExecutionEnd) {
    this.recordExecutionEnd = recordExecutionEnd;
  }

  @KafkaListener(
      id = "coordinator-process-events",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).PROCESS_EVENTS.name()}")
  void on(ProcessEvent event) {
    Envelopes.requireEnvelope(event);
    if (event.getPayload() instanceof ExecutionSucceeded) {
      recordExecutionEnd.succeeded(AvroMapping.meta(event));
    } else if (event.getPayload() instanceof ExecutionCancelled) {
      recordExecutionEnd.cancelled(AvroMapping.meta(event));
    }
  }
}
