package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.Retryability;
import dev.redrive.contract.FailedAttempt;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.domain.AttemptSummary;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/** Translates between the Avro contract and the coordinator's domain. */
final class AvroMapping {

  private AvroMapping() {}

  /** The envelope of any Redrive event (every envelope has the same metadata fields). */
  static EventMeta meta(SpecificRecord event) {
    GenericRecord envelope = (GenericRecord) event;
    Object pipeline =
        envelope.getSchema().getField("pipeline") == null ? null : envelope.get("pipeline");
    Object source = envelope.get("source");
    Object correlationId = envelope.get("correlationId");
    return new EventMeta(
        Envelopes.eventId(envelope),
        Envelopes.executionId(envelope),
        pipeline == null ? null : pipeline.toString(),
        source == null ? null : source.toString(),
        Envelopes.occurredAt(envelope),
        correlationId == null ? null : correlationId.toString());
  }

  static Failure failure(AttemptEvent event, AttemptFailed failed) {
    if (failed.getPhase().isBlank() || failed.getAttemptId().isBlank()) {
      throw new InvalidEventException(
          "AttemptFailed " + event.getEventId() + " needs a phase and an attemptId");
    }
    if (failed.getAttemptNumber() < 1) {
      throw new InvalidEventException(
          "AttemptFailed "
              + event.getEventId()
              + " has attemptNumber "
              + failed.getAttemptNumber()
              + "; attempts count from 1");
    }
    digest(event, "inputsDigest", failed.getInputsDigest());
    digest(event, "artifactsDigest", failed.getArtifactsDigest());
    return new Failure(
        failed.getAttemptId(),
        failed.getPhase(),
        failed.getAttemptNumber(),
        FailureType.valueOf(failed.getFailureType().name()),
        failed.getRetryable() == Retryability.HARD,
        failed.getErrorType(),
        failed.getErrorMessage(),
        failed.getExitCode(),
        failed.getChecks().stream()
            .map(c -> new CheckOutcome(c.getName(), c.getPassed(), c.getOutputExcerpt()))
            .toList(),
        failed.getDurationMs(),
        failed.getArtifactsLocation(),
        event.getOccurredAt(),
        failed.getRetryAfterMs() == null ? null : Duration.ofMillis(failed.getRetryAfterMs()),
        failed.getFailureType() == dev.redrive.avro.FailureType.MISSING_OUTPUT
            ? failed.getAttributes().get(FailedAttempt.MISSING_OUTPUT_PHASE)
            : null,
        failed.getInputsDigest(),
        failed.getArtifactsDigest());
  }

  /** A digest longer than the contract allows makes the event invalid (it goes to the DLT). */
  private static void digest(AttemptEvent event, String field, String digest) {
    if (digest != null && digest.length() > Failure.MAX_DIGEST_CHARS) {
      throw new InvalidEventException(
          "AttemptFailed %s: %s has %d characters, at most %d (a SHA-256 in hex has 64)"
              .formatted(event.getEventId(), field, digest.length(), Failure.MAX_DIGEST_CHARS));
    }
  }

  static dev.redrive.avro.RetryContext context(RetryContext context) {
    return dev.redrive.avro.RetryContext.newBuilder()
        .setExecutionId(context.executionId())
        .setPhase(context.phase())
        .setCurrentAttempt(context.currentAttempt())
        .setMaxAttempts(context.maxAttempts())
        .setPriorAttempts(context.priorAttempts().stream().map(AvroMapping::summary).toList())
        .setNotes(context.notes())
        .setGuidance(context.guidance())
        .setTruncated(context.truncated())
        .build();
  }

  /** The context a command carried (an error type or message the failure lacked is "" there). */
  static RetryContext context(dev.redrive.avro.RetryContext context) {
    return new RetryContext(
        context.getExecutionId(),
        context.getPhase(),
        context.getCurrentAttempt(),
        context.getMaxAttempts(),
        context.getPriorAttempts().stream().map(AvroMapping::summary).toList(),
        List.copyOf(context.getNotes()),
        context.getGuidance(),
        context.getTruncated());
  }

  private static AttemptSummary summary(dev.redrive.avro.AttemptSummary summary) {
    return new AttemptSummary(
        summary.getAttemptId(),
        summary.getAttemptNumber(),
        FailureType.valueOf(summary.getFailureType().name()),
        summary.getErrorType(),
        summary.getMessage(),
        summary.getExitCode(),
        summary.getFailedChecks().stream()
            .map(c -> new CheckOutcome(c.getName(), c.getPassed(), c.getOutputExcerpt()))
            .toList(),
        summary.getDurationMs(),
        summary.getArtifactsLocation(),
        summary.getOccurredAt());
  }

  static List<dev.redrive.avro.AttemptSummary> history(List<Failure> failures) {
    return failures.stream().map(AttemptSummary::of).map(AvroMapping::summary).toList();
  }

  private static dev.redrive.avro.AttemptSummary summary(AttemptSummary summary) {
    return dev.redrive.avro.AttemptSummary.newBuilder()
        .setAttemptId(summary.attemptId())
        .setAttemptNumber(summary.attemptNumber())
        .setFailureType(dev.redrive.avro.FailureType.valueOf(summary.failureType().name()))
        .setErrorType(nullToEmpty(summary.errorType()))
        .setMessage(nullToEmpty(summary.message()))
        .setExitCode(summary.exitCode())
        .setFailedChecks(checks(summary.failedChecks()))
        .setDurationMs(summary.durationMs())
        .setArtifactsLocation(summary.artifactsLocation())
        .setOccurredAt(summary.occurredAt())
        .build();
  }

  static List<CheckResult> checks(List<CheckOutcome> checks) {
    return checks.stream()
        .map(
            c ->
                CheckResult.newBuilder()
                    .setName(c.name())
                    .setPassed(c.passed())
                    .setOutputExcerpt(c.outputExcerpt())
                    .build())
        .toList();
  }

  static dev.redrive.avro.FailureType failureType(FailureType type) {
    return dev.redrive.avro.FailureType.valueOf(type.name());
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
