package dev.redrive.runner.kafka;

import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import dev.redrive.runner.domain.ContextJson;

/** Turns the Avro retry context of a RetryCommand into the JSON shape a phase reads. */
final class RetryContexts {

  private RetryContexts() {}

  static ContextJson of(RetryCommand command) {
    RetryContext context = command.getContext();
    return new ContextJson(
        command.getCommandId(),
        context.getExecutionId(),
        context.getPhase(),
        context.getCurrentAttempt(),
        context.getMaxAttempts(),
        context.getPriorAttempts().stream().map(RetryContexts::prior).toList(),
        context.getNotes(),
        context.getGuidance(),
        context.getTruncated());
  }

  private static ContextJson.Prior prior(AttemptSummary summary) {
    return new ContextJson.Prior(
        summary.getAttemptId(),
        summary.getAttemptNumber(),
        summary.getFailureType().name(),
        summary.getErrorType(),
        summary.getMessage(),
        summary.getExitCode(),
        summary.getFailedChecks().stream().map(RetryContexts::check).toList(),
        summary.getDurationMs(),
        summary.getArtifactsLocation(),
        summary.getOccurredAt().toString());
  }

  private static ContextJson.Check check(CheckResult check) {
    return new ContextJson.Check(check.getName(), check.getPassed(), check.getOutputExcerpt());
  }
}
