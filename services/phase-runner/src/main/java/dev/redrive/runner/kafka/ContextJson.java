package dev.redrive.runner.kafka;

import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import java.util.List;

/**
 * The retry context as the phase reads it from {@code $REDRIVE_CONTEXT_FILE}: plain JSON, no Avro
 * union wrappers.
 */
record ContextJson(
    String commandId,
    String executionId,
    String phase,
    int currentAttempt,
    int maxAttempts,
    List<Prior> priorAttempts,
    List<String> notes,
    String guidance,
    boolean truncated) {

  record Prior(
      String attemptId,
      int attemptNumber,
      String failureType,
      String errorType,
      String message,
      Integer exitCode,
      List<Check> failedChecks,
      long durationMs,
      String artifactsLocation,
      String occurredAt) {}

  record Check(String name, boolean passed, String outputExcerpt) {}

  static ContextJson of(RetryCommand command) {
    RetryContext context = command.getContext();
    return new ContextJson(
        command.getCommandId(),
        context.getExecutionId(),
        context.getPhase(),
        context.getCurrentAttempt(),
        context.getMaxAttempts(),
        context.getPriorAttempts().stream().map(ContextJson::prior).toList(),
        context.getNotes(),
        context.getGuidance(),
        context.getTruncated());
  }

  private static Prior prior(AttemptSummary summary) {
    return new Prior(
        summary.getAttemptId(),
        summary.getAttemptNumber(),
        summary.getFailureType().name(),
        summary.getErrorType(),
        summary.getMessage(),
        summary.getExitCode(),
        summary.getFailedChecks().stream().map(ContextJson::check).toList(),
        summary.getDurationMs(),
        summary.getArtifactsLocation(),
        summary.getOccurredAt().toString());
  }

  private static Check check(CheckResult check) {
    return new Check(check.getName(), check.getPassed(), check.getOutputExcerpt());
  }
}
