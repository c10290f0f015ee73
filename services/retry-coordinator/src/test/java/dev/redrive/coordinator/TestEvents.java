package dev.redrive.coordinator;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.Retryability;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Events as a runner or another system would publish them. */
final class TestEvents {

  private TestEvents() {}

  static AttemptEvent failure(
      String executionId,
      String source,
      String pipeline,
      String phase,
      int attempt,
      Retryability retryable) {
    return failure(executionId, source, pipeline, phase, attempt, retryable, Map.of());
  }

  static AttemptEvent failure(
      String executionId,
      String source,
      String pipeline,
      String phase,
      int attempt,
      Retryability retryable,
      Map<String, String> attributes) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource(source)
        .setPipeline(pipeline)
        .setPayload(
            AttemptFailed.newBuilder()
                .setAttemptId(executionId + "-" + phase + "-" + attempt)
                .setPhase(phase)
                .setAttemptNumber(attempt)
                .setFailureType(FailureType.EXIT_CRITERIA_NOT_MET)
                .setRetryable(retryable)
                .setErrorType("check failed")
                .setErrorMessage("balance check failed")
                .setChecks(
                    List.of(
                        CheckResult.newBuilder()
                            .setName("balance")
                            .setPassed(false)
                            .setOutputExcerpt("-3.00")
                            .build(),
                        CheckResult.newBuilder().setName("currency").setPassed(true).build()))
                .setAttributes(attributes)
                .build())
        .build();
  }

  /**
   * The failure carrying its phase's own policy in {@code declaredPolicy}, as a runner sends it.
   */
  static AttemptEvent declaring(AttemptEvent failure, DeclaredPolicy policy) {
    ((AttemptFailed) failure.getPayload()).setDeclaredPolicy(policy);
    return failure;
  }

  /** The failure marked as a failed check of its pipeline's loop, as a runner sends it. */
  static AttemptEvent looping(AttemptEvent failure, LoopOutcome loop) {
    ((AttemptFailed) failure.getPayload()).setLoop(loop);
    return failure;
  }

  static AttemptEvent started(
      String executionId, String source, String pipeline, String phase, int attempt) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource(source)
        .setPipeline(pipeline)
        .setPayload(
            AttemptStarted.newBuilder()
                .setAttemptId(executionId + "-" + phase + "-" + attempt)
                .setPhase(phase)
                .setAttemptNumber(attempt)
                .build())
        .build();
  }

  static AttemptEvent succeeded(
      String executionId, String source, String pipeline, String phase, int attempt) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource(source)
        .setPipeline(pipeline)
        .setPayload(
            AttemptSucceeded.newBuilder()
                .setAttemptId(executionId + "-" + phase + "-" + attempt)
                .setPhase(phase)
                .setAttemptNumber(attempt)
                .build())
        .build();
  }

  static ProcessEvent executionStarted(String executionId, String pipeline, List<String> phases) {
    return processEvent(
        executionId, pipeline, ExecutionStarted.newBuilder().setPhases(phases).build());
  }

  static ProcessEvent executionCancelled(String executionId, String pipeline) {
    return processEvent(
        executionId,
        pipeline,
        ExecutionCancelled.newBuilder()
            .setReason("stopped by hand")
            .setRequestedBy("carol")
            .build());
  }

  static ProcessEvent executionSucceeded(String executionId, String pipeline) {
    return processEvent(
        executionId, pipeline, ExecutionSucceeded.newBuilder().setDurationMs(1_000).build());
  }

  /** A process event of Redrive's runner about the execution. */
  private static ProcessEvent processEvent(String executionId, String pipeline, Object payload) {
    return ProcessEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("redrive-runner")
        .setPipeline(pipeline)
        .setPayload(payload)
        .build();
  }
}
