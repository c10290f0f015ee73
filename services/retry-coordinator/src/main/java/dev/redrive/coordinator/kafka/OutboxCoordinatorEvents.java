package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptCountReset;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.ExecutionResubmitted;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetriesPaused;
import dev.redrive.avro.RetriesUnpaused;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryRejected;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.StartExecution;
import dev.redrive.coordinator.app.CoordinatorEvents;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.SentRetries;
import dev.redrive.coordinator.config.CommandRouting;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PauseScope;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.outbox.OutboxHolds;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Writes the coordinator's commands and decisions as Avro events to the outbox. Commands go to the
 * command topic of the execution's source ({@code redrive.commands} for Redrive's own runner). A
 * retry's command and RetryScheduled are also kept as sent ({@link SentRetryMessages}).
 */
@Component
class OutboxCoordinatorEvents implements CoordinatorEvents {

  private final Outbox outbox;
  private final OutboxHolds holds;
  private final Clock clock;
  private final String source;
  private final CommandRouting routing;
  private final SentRetries sentRetries;

  OutboxCoordinatorEvents(
      Outbox outbox,
      OutboxHolds holds,
      Clock clock,
      CoordinatorProperties properties,
      CommandRouting routing,
      SentRetries sentRetries) {
    this.sentRetries = sentRetries;
    this.outbox = outbox;
    this.holds = holds;
    this.clock = clock;
    this.source = properties.source();
    this.routing = routing;
  }

  @Override
  public Batch batch() {
    return new OutboxBatch();
  }

  /** Collects outbox rows; {@link #write()} writes them with one statement. */
  private final class OutboxBatch implements Batch {

    private final List<Outbox.Message> messages = new ArrayList<>();

    /** The retries among the messages, kept as sent once they are encoded. */
    private final List<KeptRetry> retries = new ArrayList<>();

    @Override
    public void retryScheduled(
        EventMeta cause,
        String commandId,
        Decision.Retry retry,
        RetryContext context,
        Instant notBefore,
        RetryPolicy policy,
        Requester requester,
        ExplainedDecision decision) {
      dev.redrive.avro.RetryContext avroContext = AvroMapping.context(context);
      retries.add(
          new KeptRetry(messages.size(), messages.size() + 2, commandId, context, decision));
      messages.add(
          decision(
              cause,
              decision.decidedAt(),
              DecisionRecords.retryScheduled(
                  clock,
                  commandId,
                  context.phase(),
                  retry.nextAttempt(),
                  context.maxAttempts(),
                  notBefore,
                  retry.reason(),
                  policy,
                  requester,
                  decision.why())));
      messages.add(
          decision(
              cause,
              RetryContextAssembled.newBuilder()
                  .setCommandId(commandId)
                  .setContext(avroContext)
                  .build()));
      messages.add(
          command(
              cause,
              cause.executionId(),
              commandId,
              RetryCommand.newBuilder()
                  .setCommandId(commandId)
                  .setPipeline(cause.pipeline())
                  .setPhase(context.phase())
                  .setAttemptNumber(retry.nextAttempt())
                  .setMaxAttempts(context.maxAttempts())
                  .setNotBefore(notBefore)
                  .setContext(avroContext)
                  .build(),
              notBefore,
              PauseScope.keysCovering(cause.pipeline(), context.phase())));
    }

    @Override
    public void interventionRequired(
        EventMeta cause,
        Failure failure,
        int maxAttempts,
        Decision.Intervene decision,
        List<Failure> history,
        DecisionExplanation why) {
      messages.add(
          decision(
              cause,
              InterventionRequired.newBuilder()
                  .setPhase(failure.phase())
                  .setAttemptNumber(failure.attemptNumber())
                  .setMaxAttempts(maxAttempts)
                  .setFailureType(AvroMapping.failureType(failure.type()))
                  .setReason(decision.reason())
                  .setRecommendedAction(decision.recommendedAction())
                  .setHistory(AvroMapping.history(history))
                  .setExplanation(DecisionRecords.explanation(why))
                  .build()));
    }

    @Override
    public void write() {
      List<byte[]> sent = outbox.scheduleAll(withExecutionPauses(List.copyOf(messages)));
      sentRetries.keep(retries.stream().map(retry -> retry.sent(sent)).toList());
      messages.clear();
      retries.clear();
    }
  }

  /**
   * A retry of the batch: its RetryScheduled is message {@code scheduledAt} of the batch, its
   * command message {@code commandAt}.
   */
  private record KeptRetry(
      int scheduledAt,
      int commandAt,
      String commandId,
      RetryContext context,
      ExplainedDecision decision) {

    SentRetries.Sent sent(List<byte[]> values) {
      return new SentRetries.Sent(
          commandId,
          context.executionId(),
          context.phase(),
          context.currentAttempt(),
          decision.declared(),
          SentRetryMessages.pack(values.get(commandAt), values.get(scheduledAt)));
    }
  }

  @Override
  public void resumeRequested(
      EventMeta cause,
      String commandId,
      String toPhase,
      int attemptNumber,
      int maxAttempts,
      String note,
      Instant notBefore,
      RetryPolicy policy,
      Requester requester) {
    Outbox.Message scheduled =
        decision(
            cause,
            DecisionRecords.retryScheduled(
                clock,
                commandId,
                toPhase,
                attemptNumber,
                maxAttempts,
                notBefore,
                "resume from phase %s requested by %s%s"
                    .formatted(
                        toPhase, requester.requestedBy(), requester.forced() ? " (forced)" : ""),
                policy,
                requester,
                null));
    Outbox.Message rollback =
        command(
            cause,
            cause.executionId(),
            commandId,
            Rollback.newBuilder()
                .setCommandId(commandId)
                .setToPhase(toPhase)
                .setNote(note)
                .setRequestedBy(requester.requestedBy())
                .build(),
            notBefore,
            PauseScope.keysCovering(cause.pipeline(), toPhase));
    outbox.scheduleAll(withExecutionPauses(List.of(scheduled, rollback)));
  }

  @Override
  public void resubmitted(
      EventMeta cause, String newExecutionId, Instant notBefore, Requester requester) {
    Outbox.Message resubmitted =
        decision(
            cause,
            ExecutionResubmitted.newBuilder()
                .setRequestId(requester.requestId())
                .setOriginalExecutionId(cause.executionId())
                .setNewExecutionId(newExecutionId)
                .setRequestedBy(requester.requestedBy())
                .build());
    String commandId = TimeOrderedIds.uuid();
    Outbox.Message start =
        command(
            cause,
            newExecutionId,
            commandId,
            StartExecution.newBuilder()
                .setCommandId(commandId)
                .setPipeline(cause.pipeline())
                .setParameters(Map.of())
                .setResubmitOf(cause.executionId())
                .setRequestedBy(requester.requestedBy())
                .build(),
            notBefore,
            PauseScope.keysCovering(cause.pipeline(), null));
    outbox.scheduleAll(withExecutionPauses(List.of(resubmitted, start)));
  }

  @Override
  public void retryRejected(
      EventMeta cause, String requestId, String reason, String currentStatus, String requestedBy) {
    publish(
        cause,
        RetryRejected.newBuilder()
            .setRequestId(requestId)
            .setReason(reason)
            .setCurrentStatus(currentStatus)
            .setRequestedBy(requestedBy)
            .build());
  }

  @Override
  public void attemptCountReset(
      EventMeta cause,
      String requestId,
      String phase,
      int previousCount,
      String requestedBy,
      String note) {
    publish(
        cause,
        AttemptCountReset.newBuilder()
            .setRequestId(requestId)
            .setPhase(phase)
            .setPreviousCount(previousCount)
            .setRequestedBy(requestedBy == null ? "unknown" : requestedBy)
            .setNote(note)
            .build());
  }

  private void publish(EventMeta cause, Object payload) {
    outbox.scheduleAll(List.of(decision(cause, payload)));
  }

  @Override
  public void retriesPaused(PauseScope scope, String reason, String requestedBy) {
    outbox.publish(
        RedriveTopics.DECISIONS,
        pauseDecision(
            scope,
            RetriesPaused.newBuilder()
                .setScope(scope.kind().name().toLowerCase(Locale.ROOT))
                .setPipeline(scope.pipeline())
                .setPhase(scope.phase())
                .setPausedExecutionId(scope.executionId())
                .setReason(reason)
                .setRequestedBy(requestedBy)
                .build()));
  }

  @Override
  public void retriesUnpaused(
      PauseScope scope, long releasedCommands, Duration stagger, String requestedBy, String note) {
    outbox.publish(
        RedriveTopics.DECISIONS,
        pauseDecision(
            scope,
            RetriesUnpaused.newBuilder()
                .setScope(scope.kind().name().toLowerCase(Locale.ROOT))
                .setPipeline(scope.pipeline())
                .setPhase(scope.phase())
                .setPausedExecutionId(scope.executionId())
                .setReleasedCommands(releasedCommands)
                .setStaggerMs(stagger.toMillis())
                .setRequestedBy(requestedBy)
                .setNote(note)
                .build()));
  }

  private DecisionEvent pauseDecision(PauseScope scope, Object payload) {
    return DecisionEvent.newBuilder()
        .setEventId(TimeOrderedIds.uuid())
        .setExecutionId(scope.executionId() != null ? scope.executionId() : PAUSES_KEY)
        .setOccurredAt(clock.instant())
        .setSource(source)
        .setPayload(payload)
        .build();
  }

  /**
   * The messages with the key of their execution's pause added to each command whose execution is
   * paused now (a resubmission: the original's), so that it is held in a row of its own.
   */
  private List<Outbox.Message> withExecutionPauses(List<Outbox.Message> messages) {
    Map<Outbox.Message, String> pauseKeys = new IdentityHashMap<>();
    for (Outbox.Message message : messages) {
      if (message.event() instanceof CommandEvent command) {
        String executionId =
            command.getPayload() instanceof StartExecution start && start.getResubmitOf() != null
                ? start.getResubmitOf()
                : command.getExecutionId();
        pauseKeys.put(message, PauseScope.execution(executionId).key());
      }
    }
    Set<String> paused = holds.held(Set.copyOf(pauseKeys.values()));
    if (paused.isEmpty()) {
      return messages;
    }
    List<Outbox.Message> held = new ArrayList<>(messages.size());
    for (Outbox.Message message : messages) {
      String key = pauseKeys.get(message);
      if (key != null && paused.contains(key)) {
        List<String> scopes = new ArrayList<>(message.holdScopes());
        scopes.add(key);
        held.add(new Outbox.Message(message.topic(), message.event(), message.dueAt(), scopes));
      } else {
        held.add(message);
      }
    }
    return held;
  }

  /**
   * A command to {@code executionId} on the command topic of the source of {@code cause}, held
   * while a pause covers one of {@code holdScopes}.
   */
  private Outbox.Message command(
      EventMeta cause,
      String executionId,
      String commandId,
      Object payload,
      Instant notBefore,
      List<String> holdScopes) {
    return new Outbox.Message(
        routing.commandTopic(cause.source()),
        CommandEvent.newBuilder()
            .setEventId(commandId)
            .setExecutionId(executionId)
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setCorrelationId(cause.eventId())
            .setPayload(payload)
            .build(),
        notBefore,
        holdScopes);
  }

  private Outbox.Message decision(EventMeta cause, Object payload) {
    return decision(cause, clock.instant(), payload);
  }

  /** A decision that was made at {@code decidedAt} (what explain shows as its time). */
  private Outbox.Message decision(EventMeta cause, Instant decidedAt, Object payload) {
    return new Outbox.Message(
        RedriveTopics.DECISIONS,
        DecisionEvent.newBuilder()
            .setEventId(TimeOrderedIds.uuid())
            .setExecutionId(cause.executionId())
            .setOccurredAt(decidedAt)
            .setSource(source)
            .setCorrelationId(cause.eventId())
            .setPayload(payload)
            .build(),
        clock.instant());
  }
}
