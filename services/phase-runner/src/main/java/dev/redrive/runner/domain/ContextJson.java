package dev.redrive.runner.domain;

import java.util.List;

/**
 * The context an attempt reads from {@code $REDRIVE_CONTEXT_FILE} (and an http phase receives in
 * its body): plain JSON, no Avro union wrappers. A RetryCommand's context, a loop's (the failed
 * check of the later phase as the prior attempt) and a rollback's (the person's note) all have this
 * shape. {@code maxAttempts} is null when the bound is unknown ({@link NextAttempt}).
 */
public record ContextJson(
    String commandId,
    String executionId,
    String phase,
    int currentAttempt,
    Integer maxAttempts,
    List<Prior> priorAttempts,
    List<String> notes,
    String guidance,
    boolean truncated) {

  /** What an earlier attempt did and why it failed. */
  public record Prior(
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

  /** A check of an earlier attempt, with its output excerpt. */
  public record Check(String name, boolean passed, String outputExcerpt) {}
}
