package dev.redrive.coordinator.kafka;

import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.PolicyChanged;
import dev.redrive.coordinator.app.policy.PolicyEvents;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Writes a PolicyChanged decision to the outbox: keyed {@code redrive-policies} for the policy set,
 * by the execution for its override.
 */
@Component
class OutboxPolicyEvents implements PolicyEvents {

  private final Outbox outbox;
  private final Clock clock;
  private final String source;

  OutboxPolicyEvents(Outbox outbox, Clock clock, CoordinatorProperties properties) {
    this.outbox = outbox;
    this.clock = clock;
    this.source = properties.source();
  }

  @Override
  public void policyChanged(PolicyChange change) {
    outbox.publish(
        RedriveTopics.DECISIONS,
        DecisionEvent.newBuilder()
            .setEventId(TimeOrderedIds.uuid())
            .setExecutionId(change.executionId() == null ? KEY : change.executionId())
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setPayload(
                PolicyChanged.newBuilder()
                    .setVersion(change.version())
                    .setScope(change.scope())
                    .setPolicyExecutionId(change.executionId())
                    .setSummary(change.summary())
                    .setOrigin(change.origin())
                    .setRequestedBy(change.requestedBy())
                    .setReason(change.reason())
                    .build())
            .build());
  }
}
