package dev.redrive.audit;

import dev.redrive.avro.AttemptCountReset;
import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.DecisionExplanation;
import dev.redrive.avro.DelayComputation;
import dev.redrive.avro.ExecutionResubmitted;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.Jitter;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryRequested;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.avro.StartExecution;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Redrive events as the phase-runner, the coordinator and people publish them. */
final class Events {

  private Events() {}

  static String newId() {
    return UUID.randomUUID().toString();
  }

  static ProcessEvent executionStarted(String executionId, String pipeline, Instant at) {
    return ProcessEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("phase-runner")
        .setPipeline(pipeline)
        .setPayload(ExecutionStarted.newBuilder().setPhases(List.of("prepare", "build")).build())
        .build();
  }

  static ProcessEvent executionSucceeded(String executionId, String pipeline, Instant at) {
    return ProcessEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("phase-runner")
        .setPipeline(pipeline)
        .setPayload(ExecutionSucceeded.newBuilder().setDurationMs(1200).build())
        .build();
  }

  static AttemptEvent attemptStarted(
      String executionId,
      String pipeline,
      String phase,
      int attempt,
      String commandId,
      Instant at) {
    return attempt(
        executionId,
        pipeline,
        at,
        AttemptStarted.newBuilder()
            .setAttemptId(executionId + "-" + phase + "-" + attempt)
            .setPhase(phase)
            .setAttemptNumber(attempt)
            .setCommandId(commandId)
            .build());
  }

  static AttemptEvent attemptSucceeded(
      String executionId, String pipeline, String phase, int attempt, Instant at) {
    return attempt(
        executionId,
        pipeline,
        at,
        AttemptSucceeded.newBuilder()
            .setAttemptId(executionId + "-" + phase + "-" + attempt)
            .setPhase(phase)
            .setAttemptNumber(attempt)
            .setDurationMs(42)
            .build());
  }

  static AttemptEvent attemptFailed(
      String executionId,
      String pipeline,
      String phase,
      int attempt,
      FailureType type,
      String message,
      String errorReport,
      Instant at) {
    return attempt(
        executionId,
        pipeline,
        at,
        AttemptFailed.newBuilder()
            .setAttemptId(executionId + "-" + phase + "-" + attempt)
            .setPhase(phase)
            .setAttemptNumber(attempt)
            .setFailureType(type)
            .setRetryable(Retryability.SOFT)
            .setErrorType("exit code 1")
            .setErrorMessage(message)
            .setLogExcerpt("at build.sh:12")
            .setChecks(
                List.of(
                    CheckResult.newBuilder().setName("unit-tests").setPassed(false).build(),
                    CheckResult.newBuilder().setName("lint").setPassed(true).build()))
            .setArtifactsLocation("artifacts/_failed/" + phase + "/attempt-" + attempt + "/")
            .setErrorReport(errorReport)
            .build());
  }

  static DecisionEvent retryScheduled(
      String executionId,
      String commandId,
      String phase,
      int attempt,
      String requestedBy,
      boolean forced,
      Instant at) {
    return decision(
        executionId,
        at,
        RetryScheduled.newBuilder()
            .setCommandId(commandId)
            .setPhase(phase)
            .setAttemptNumber(attempt)
            .setMaxAttempts(2)
            .setNotBefore(at.plusSeconds(1))
            .setDelayMs(1000)
            .setReason(
                "SOFT failure COMMAND_FAILED: %d failure%s counted, 2 attempts allowed"
                    .formatted(attempt - 1, attempt == 2 ? "" : "s"))
            .setPolicy("max 2 attempts, backoff 1s x2.0 up to 5m, FULL jitter")
            .setRequestedBy(requestedBy)
            .setForced(forced)
            .setExplanation(requestedBy == null ? explanation() : null)
            .build());
  }

  /** The explanation the coordinator gives an automatic retry. */
  static DecisionExplanation explanation() {
    return DecisionExplanation.newBuilder()
        .setPolicy("maxAttempts=2, backoff 1000ms x2.0 up to 300000ms, jitter FULL")
        .setPolicyVersion(3)
        .setOrigins(Map.of("maxAttempts", "phase demo/build"))
        .setFailuresCounted(1)
        .setMaxAttempts(2)
        .setBudget(List.of("pipeline demo: 0 retries for 1 attempts in the last 60s"))
        .setDelay(
            DelayComputation.newBuilder()
                .setExponentialMs(1000)
                .setCapMs(300000)
                .setJitter(Jitter.FULL)
                .setDelayMs(420)
                .setFormula("1000ms x 2^0 = 1000ms; FULL jitter drew 420ms from 0..1000ms")
                .build())
        .setWouldChange(List.of("this retry is the last one <maxAttempts=2> allows"))
        .build();
  }

  static RetryContext context(
      String executionId, String phase, int attempt, String guidance, List<String> notes) {
    return RetryContext.newBuilder()
        .setExecutionId(executionId)
        .setPhase(phase)
        .setCurrentAttempt(attempt)
        .setMaxAttempts(2)
        .setPriorAttempts(
            List.of(
                AttemptSummary.newBuilder()
                    .setAttemptId(executionId + "-" + phase + "-1")
                    .setAttemptNumber(1)
                    .setFailureType(FailureType.COMMAND_FAILED)
                    .setErrorType("exit code 1")
                    .setMessage("error: cannot find module 'data'")
                    .setFailedChecks(
                        List.of(
                            CheckResult.newBuilder()
                                .setName("unit-tests")
                                .setPassed(false)
                                .build()))
                    .setOccurredAt(Instant.parse("2026-01-29T10:30:00Z"))
                    .build()))
        .setNotes(notes)
        .setGuidance(guidance)
        .build();
  }

  static DecisionEvent contextAssembled(
      String executionId, String commandId, RetryContext context, Instant at) {
    return decision(
        executionId,
        at,
        RetryContextAssembled.newBuilder().setCommandId(commandId).setContext(context).build());
  }

  static CommandEvent retryCommand(
      String executionId, String pipeline, String commandId, RetryContext context, Instant at) {
    return CommandEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("retry-coordinator")
        .setPayload(
            RetryCommand.newBuilder()
                .setCommandId(commandId)
                .setPipeline(pipeline)
                .setPhase(context.getPhase())
                .setAttemptNumber(context.getCurrentAttempt())
                .setMaxAttempts(context.getMaxAttempts())
                .setNotBefore(at)
                .setContext(context)
                .build())
        .build();
  }

  static DecisionEvent interventionRequired(
      String executionId, String phase, int attempt, FailureType type, Instant at) {
    return decision(
        executionId,
        at,
        InterventionRequired.newBuilder()
            .setPhase(phase)
            .setAttemptNumber(attempt)
            .setMaxAttempts(2)
            .setFailureType(type)
            .setReason("attempts exhausted: 2 failures counted, 2 attempts allowed")
            .setRecommendedAction("Fix the failed checks, then: redrive retry " + executionId)
            .build());
  }

  static RetryRequested retryRequested(
      String executionId, String requestedBy, String note, boolean force, Instant at) {
    return RetryRequested.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("redrive-cli")
        .setRequestId(newId())
        .setForce(force)
        .setResetCount(true)
        .setNote(note)
        .setRequestedBy(requestedBy)
        .build();
  }

  static DecisionEvent attemptCountReset(
      String executionId, String phase, String requestedBy, String note, Instant at) {
    return decision(
        executionId,
        at,
        AttemptCountReset.newBuilder()
            .setRequestId(newId())
            .setPhase(phase)
            .setPreviousCount(2)
            .setRequestedBy(requestedBy)
            .setNote(note)
            .build());
  }

  private static AttemptEvent attempt(
      String executionId, String pipeline, Instant at, Object payload) {
    return AttemptEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("phase-runner")
        .setPipeline(pipeline)
        .setPayload(payload)
        .build();
  }

  private static DecisionEvent decision(String executionId, Instant at, Object payload) {
    return DecisionEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("retry-coordinator")
        .setPayload(payload)
        .build();
  }

  /** The coordinator's StartExecution of a resubmission (keyed by the new execution). */
  static CommandEvent startExecution(
      String executionId, String pipeline, String resubmitOf, Instant at) {
    return CommandEvent.newBuilder()
        .setEventId(newId())
        .setExecutionId(executionId)
        .setOccurredAt(at)
        .setSource("retry-coordinator")
        .setPayload(
            StartExecution.newBuilder()
                .setCommandId(newId())
                .setPipeline(pipeline)
                .setResubmitOf(resubmitOf)
                .setRequestedBy("alice")
                .build())
        .build();
  }

  /** The coordinator's decision to resubmit the original as a new execution. */
  static DecisionEvent executionResubmitted(
      String originalExecutionId, String newExecutionId, Instant at) {
    return decision(
        originalExecutionId,
        at,
        ExecutionResubmitted.newBuilder()
            .setRequestId(newId())
            .setOriginalExecutionId(originalExecutionId)
            .setNewExecutionId(newExecutionId)
            .setRequestedBy("alice")
            .build());
  }
}
