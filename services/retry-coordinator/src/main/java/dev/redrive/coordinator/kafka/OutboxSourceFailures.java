package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.SourceFailures;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.RedriveTopics;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@link SourceFailures} through the outbox: published after the commit, in order per execution.
 */
@Component
class OutboxSourceFailures implements SourceFailures {

  private final Outbox outbox;
  private final Set<String> sources;

  OutboxSourceFailures(Outbox outbox, CoordinatorProperties properties) {
    this.outbox = outbox;
    this.sources = Set.copyOf(properties.sources().keySet());
  }

  @Override
  public boolean republishes(String source) {
    return sources.contains(source);
  }

  @Override
  public void republish(List<AttemptReport.Failed> failures) {
    outbox.scheduleAll(
        failures.stream()
            .map(
                failed ->
                    new Outbox.Message(
                        RedriveTopics.ATTEMPTS,
                        event(failed),
                        failed.meta().occurredAt(),
                        List.of()))
            .toList());
  }

  static AttemptEvent event(AttemptReport.Failed failed) {
    Failure failure = failed.failure();
    return AttemptEvent.newBuilder()
        .setEventId(failed.meta().eventId())
        .setExecutionId(failed.meta().executionId())
        .setOccurredAt(failure.occurredAt())
        .setSource(failed.meta().source())
        .setCorrelationId(failed.meta().correlationId())
        .setPipeline(failed.meta().pipeline())
        .setPayload(
            AttemptFailed.newBuilder()
                .setAttemptId(failure.attemptId())
                .setPhase(failure.phase())
                .setAttemptNumber(failure.attemptNumber())
                .setFailureType(AvroMapping.failureType(failure.type()))
                .setRetryable(failure.hard() ? Retryability.HARD : Retryability.SOFT)
                .setErrorType(failure.errorType() == null ? "" : failure.errorType())
                .setErrorMessage(failure.message() == null ? "" : failure.message())
                .setExitCode(failure.exitCode())
                .setChecks(
                    failure.checks().stream()
                        .map(
                            check ->
                                CheckResult.newBuilder()
                                    .setName(check.name())
                                    .setPassed(check.passed())
                                    .setOutputExcerpt(check.outputExcerpt())
                                    .build())
                        .toList())
                .setArtifactsLocation(failure.artifactsLocation())
                .setDurationMs(failure.durationMs())
                .setRetryAfterMs(
                    failure.retryAfter() == null ? null : failure.retryAfter().toMillis())
                .setAttributes(failed.attributes())
                .build())
        .build();
  }
}
