package dev.redrive.coordinator.kafka;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.coordinator.app.CoordinatorEvents;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Writes the coordinator's commands and decisions as Avro events to the outbox. */
@Component
class OutboxCoordinatorEvents implements CoordinatorEvents {

  private final Outbox outbox;
  private final Clock clock;
  private final String source;

  OutboxCoordinatorEvents(Outbox outbox, Clock clock, CoordinatorProperties properties) {
    this.outbox = outbox;
    this.clock = clock;
    this.source = properties.source();
  }

  @Override
  public void retryScheduled(
      EventMeta cause,
      String commandId,
      Decision.Retry retry,
      RetryContext context,
      Instant notBefore,
      RetryPolicy policy) {
    dev.redrive.avro.RetryContext avroContext = AvroMapping.context(context);
    RetryCommand command =
        RetryCommand.newBuilder()
            .setCommandId(commandId)
            .setPipeline(cause.pipeline())
            .setPhase(context.phase())
            .setAttemptNumber(retry.nextAttempt())
            .setMaxAttempts(policy.maxAttempts())
            .setNotBefore(notBefore)
            .setContext(avroContext)
            .build();
    decision(
        cause,
        RetryScheduled.newBuilder()
            .setCommandId(commandId)
            .setPhase(context.phase())
            .setAttemptNumber(retry.nextAttempt())
            .setMaxAttempts(policy.maxAttempts())
            .setNotBefore(notBefore)
            .setDelayMs(retry.delay().toMillis())
            .setReason(retry.reason())
            .setPolicy(policy.describe())
            .build());
    decision(
        cause,
        RetryContextAssembled.newBuilder().setCommandId(commandId).setContext(avroContext).build());
    outbox.schedule(
        RedriveTopics.COMMANDS,
        CommandEvent.newBuilder()
            .setEventId(commandId)
            .setExecutionId(cause.executionId())
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setCorrelationId(cause.eventId())
            .setPayload(command)
            .build(),
        notBefore);
  }

  @Override
  public void interventionRequired(
      EventMeta cause,
      Failure failure,
      int failedAttempts,
      int maxAttempts,
      Decision.Intervene decision) {
    decision(
        cause,
        InterventionRequired.newBuilder()
            .setPhase(failure.phase())
            .setAttemptNumber(failure.attemptNumber())
            .setMaxAttempts(maxAttempts)
            .setFailureType(AvroMapping.failureType(failure.type()))
            .setReason(decision.reason())
            .setRecommendedAction(decision.recommendedAction())
            .build());
  }

  private void decision(EventMeta cause, Object payload) {
    outbox.publish(
        RedriveTopics.DECISIONS,
        DecisionEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(cause.executionId())
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setCorrelationId(cause.eventId())
            .setPayload(payload)
            .build());
  }
}
