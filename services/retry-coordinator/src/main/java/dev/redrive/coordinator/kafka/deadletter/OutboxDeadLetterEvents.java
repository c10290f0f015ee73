package dev.redrive.coordinator.kafka.deadletter;

import dev.redrive.avro.DeadLettersReplayed;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.coordinator.app.deadletter.DeadLetterEvents;
import dev.redrive.coordinator.app.deadletter.ReplayDeadLetters;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Writes a replay's DeadLettersReplayed decision to the outbox, keyed {@code redrive-dead-letters}.
 */
@Component
class OutboxDeadLetterEvents implements DeadLetterEvents {

  private final Outbox outbox;
  private final Clock clock;
  private final String source;

  OutboxDeadLetterEvents(Outbox outbox, Clock clock, CoordinatorProperties properties) {
    this.outbox = outbox;
    this.clock = clock;
    this.source = properties.source();
  }

  @Override
  public void replayed(ReplayDeadLetters.Result result, ReplayDeadLetters.Request request) {
    DeadLetterSelection selection = request.selection();
    outbox.publish(
        RedriveTopics.DECISIONS,
        DecisionEvent.newBuilder()
            .setEventId(TimeOrderedIds.uuid())
            .setExecutionId(KEY)
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setCorrelationId(result.replayId())
            .setPayload(
                DeadLettersReplayed.newBuilder()
                    .setReplayId(result.replayId())
                    .setDryRun(result.dryRun())
                    .setSelection(selection.describe())
                    .setTopic(selection.topic())
                    .setReason(selection.reason())
                    .setKey(selection.key())
                    .setFromMs(selection.from() == null ? null : selection.from().toEpochMilli())
                    .setToMs(selection.to() == null ? null : selection.to().toEpochMilli())
                    .setCoordinates(
                        selection.coordinates().stream()
                            .map(DeadLetterCoordinates::toString)
                            .toList())
                    .setForced(request.force())
                    .setRatePerSecond(request.ratePerSecond())
                    .setMatched(result.matched())
                    .setReplayed(result.replayed())
                    .setSkipped(result.skipped())
                    .setFailed(result.failed())
                    .setRequestedBy(request.requestedBy())
                    .setNote(request.note())
                    .build())
            .build());
  }
}
