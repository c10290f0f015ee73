package dev.redrive.coordinator.kafka;

import dev.redrive.avro.CheckpointCreated;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RolledBack;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.RecordProcessEvent;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.limits.EventLimits;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Transport only: the runner's process events that the coordinator needs (phases, checkpoints,
 * rollbacks, the end), each one call into {@link RecordProcessEvent}; the others are not its
 * concern.
 */
@Component
class ProcessEventListener {

  private final RecordProcessEvent record;
  private final EventLimits limits;

  ProcessEventListener(RecordProcessEvent record, EventLimits limits) {
    this.record = record;
    this.limits = limits;
  }

  @KafkaListener(
      id = "coordinator-process-events",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).PROCESS_EVENTS.name()}")
  void on(ProcessEvent event) {
    Envelopes.requireEnvelope(event);
    limits.check(event);
    EventMeta meta = AvroMapping.meta(event);
    Object payload = event.getPayload();
    if (payload instanceof ExecutionStarted started) {
      record.started(meta, started.getPhases());
    } else if (payload instanceof CheckpointCreated checkpoint) {
      record.checkpoint(meta, checkpoint.getPhase(), checkpoint.getFiles());
    } else if (payload instanceof RolledBack rolledBack) {
      record.rolledBack(meta, rolledBack.getToPhase(), rolledBack.getClearedPhases());
    } else if (payload instanceof ExecutionSucceeded) {
      record.succeeded(meta);
    } else if (payload instanceof ExecutionCancelled) {
      record.cancelled(meta);
    }
  }
}
