package dev.redrive.runner.kafka;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.CheckpointCreated;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionHalted;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Jitter;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.PhaseStarted;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.Retryability;
import dev.redrive.avro.RolledBack;
import dev.redrive.runner.app.RunnerEvents;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.LoopState;
import dev.redrive.runner.domain.PhaseRetryPolicy;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.outbox.Outbox;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Writes the runner's attempt and process events as Avro to the outbox. */
public class OutboxRunnerEvents implements RunnerEvents {

  private final Outbox outbox;
  private final Clock clock;
  private final String source;
  private final int excerptChars;

  /**
   * @param source the events' {@code source}
   * @param excerptChars characters of a log or check output an event carries (the tail)
   */
  public OutboxRunnerEvents(Outbox outbox, Clock clock, String source, int excerptChars) {
    this.outbox = outbox;
    this.clock = clock;
    this.source = source;
    this.excerptChars = excerptChars;
  }

  @Override
  public void executionStarted(
      String executionId, Pipeline pipeline, Map<String, String> parameters) {
    process(
        executionId,
        pipeline.name(),
        ExecutionStarted.newBuilder()
            .setPhases(pipeline.phaseNames())
            .setParameters(parameters)
            .build());
  }

  @Override
  public void attemptStarted(String pipeline, Attempt attempt) {
    attempt(
        attempt.executionId(),
        pipeline,
        AttemptStarted.newBuilder()
            .setAttemptId(attempt.attemptId())
            .setPhase(attempt.phase())
            .setAttemptNumber(attempt.attemptNumber())
            .setCommandId(attempt.commandId())
            .build());
    process(
        attempt.executionId(),
        pipeline,
        PhaseStarted.newBuilder()
            .setPhase(attempt.phase())
            .setAttemptNumber(attempt.attemptNumber())
            .build());
  }

  @Override
  public void attemptSucceeded(
      String pipeline, Attempt attempt, AttemptOutcome outcome, Map<String, String> checkpoint) {
    attempt(
        attempt.executionId(),
        pipeline,
        AttemptSucceeded.newBuilder()
            .setAttemptId(attempt.attemptId())
            .setPhase(attempt.phase())
            .setAttemptNumber(attempt.attemptNumber())
            .setDurationMs(outcome.durationMs())
            .build());
    process(
        attempt.executionId(),
        pipeline,
        CheckpointCreated.newBuilder().setPhase(attempt.phase()).setFiles(checkpoint).build());
  }

  @Override
  public void attemptFailed(
      String pipeline,
      Attempt attempt,
      AttemptOutcome outcome,
      PhaseRetryPolicy declaredPolicy,
      LoopState loop,
      String archive,
      String errorReport,
      AttemptDigests digests) {
    attempt(
        attempt.executionId(),
        pipeline,
        AttemptFailed.newBuilder()
            .setAttemptId(attempt.attemptId())
            .setPhase(attempt.phase())
            .setAttemptNumber(attempt.attemptNumber())
            .setFailureType(FailureType.valueOf(outcome.failureType().name()))
            .setRetryable(outcome.hard() ? Retryability.HARD : Retryability.SOFT)
            .setErrorType(outcome.errorType())
            .setErrorMessage(outcome.message())
            .setExitCode(outcome.exitCode())
            .setChecks(
                outcome.checks().stream()
                    .map(
                        c ->
                            CheckResult.newBuilder()
                                .setName(c.name())
                                .setPassed(c.passed())
                                .setOutputExcerpt(excerpt(c.outputExcerpt()))
                                .build())
                    .toList())
            .setFailedExitCriteria(outcome.failedCheckNames())
            .setLogExcerpt(excerpt(outcome.logExcerpt()))
            .setArtifactsLocation(archive)
            .setErrorReport(errorReport)
            .setDurationMs(outcome.durationMs())
            .setRetryAfterMs(outcome.retryAfterMs())
            .setAttributes(outcome.attributes())
            .setDeclaredPolicy(declaredPolicy == null ? null : declaredPolicy(declaredPolicy))
            .setLoop(loop == null ? null : loop(loop))
            .setInputsDigest(digests == null ? null : digests.inputs())
            .setArtifactsDigest(digests == null ? null : digests.artifacts())
            .build());
  }

  private static DeclaredPolicy declaredPolicy(PhaseRetryPolicy policy) {
    return DeclaredPolicy.newBuilder()
        .setMaxAttempts(policy.maxAttempts())
        .setInitialIntervalMs(millis(policy.initialInterval()))
        .setMultiplier(policy.multiplier())
        .setMaxIntervalMs(millis(policy.maxInterval()))
        .setJitter(policy.jitter() == null ? null : Jitter.valueOf(policy.jitter()))
        .setNonRetryable(
            policy.nonRetryable().stream()
                .sorted()
                .map(type -> FailureType.valueOf(type.name()))
                .toList())
        .setDeadlineMs(millis(policy.deadline()))
        .build();
  }

  /** Whole milliseconds, rounded up as the contract carries them: a tiny deadline stays above 0. */
  private static Long millis(Duration duration) {
    return duration == null ? null : duration.plusNanos(999_999).toMillis();
  }

  private static LoopOutcome loop(LoopState loop) {
    return LoopOutcome.newBuilder()
        .setTarget(loop.target())
        .setIterations(loop.iterations())
        .setMaxIterations(loop.maxIterations())
        .setExhausted(loop.exhausted())
        .build();
  }

  @Override
  public void executionSucceeded(String executionId, String pipeline, long durationMs) {
    process(
        executionId, pipeline, ExecutionSucceeded.newBuilder().setDurationMs(durationMs).build());
  }

  @Override
  public void executionHalted(String executionId, String pipeline, String phase, String reason) {
    process(
        executionId,
        pipeline,
        ExecutionHalted.newBuilder().setPhase(phase).setReason(reason).build());
  }

  @Override
  public void rolledBack(
      String executionId,
      String pipeline,
      String toPhase,
      List<String> clearedPhases,
      String requestedBy) {
    process(
        executionId,
        pipeline,
        RolledBack.newBuilder()
            .setToPhase(toPhase)
            .setClearedPhases(clearedPhases)
            .setRequestedBy(requestedBy)
            .build());
  }

  @Override
  public void executionCancelled(
      String executionId, String pipeline, String reason, String requestedBy) {
    process(
        executionId,
        pipeline,
        ExecutionCancelled.newBuilder().setReason(reason).setRequestedBy(requestedBy).build());
  }

  private String excerpt(String text) {
    int limit = excerptChars;
    if (text == null || text.length() <= limit) {
      return text;
    }
    return "[... "
        + (text.length() - limit)
        + " chars omitted ...]\n"
        + text.substring(text.length() - limit);
  }

  private void attempt(String executionId, String pipeline, Object payload) {
    outbox.publish(
        RedriveTopics.ATTEMPTS,
        AttemptEvent.newBuilder()
            .setEventId(TimeOrderedIds.uuid())
            .setExecutionId(executionId)
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setPipeline(pipeline)
            .setPayload(payload)
            .build());
  }

  private void process(String executionId, String pipeline, Object payload) {
    outbox.publish(
        RedriveTopics.PROCESS_EVENTS,
        ProcessEvent.newBuilder()
            .setEventId(TimeOrderedIds.uuid())
            .setExecutionId(executionId)
            .setOccurredAt(clock.instant())
            .setSource(source)
            .setPipeline(pipeline)
            .setPayload(payload)
            .build());
  }
}
