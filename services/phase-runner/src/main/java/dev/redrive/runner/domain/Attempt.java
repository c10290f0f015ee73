package dev.redrive.runner.domain;

import dev.redrive.contract.AttemptBound;
import java.time.Instant;

/**
 * One attempt of a phase.
 *
 * @param maxAttempts the number of the phase's last attempt, or null when unknown ({@link
 *     NextAttempt})
 * @param commandId the command that queued it (a retry's, a rollback's), or null
 * @param contextFile its context, relative to the workspace, or null
 * @param origin what queued it
 * @param note a person's note for the attempt (a rollback's), or null
 * @param superseded a later rollback cleared this attempt's phase
 */
public record Attempt(
    String attemptId,
    String executionId,
    String phase,
    int attemptNumber,
    Integer maxAttempts,
    String commandId,
    String contextFile,
    String previousError,
    AttemptStatus status,
    AttemptOrigin origin,
    String note,
    boolean superseded,
    String failureType,
    String errorMessage,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt) {

  /** A new attempt, not yet stored. */
  public static Attempt queued(
      String attemptId,
      String executionId,
      String phase,
      NextAttempt next,
      String commandId,
      String contextFile,
      String previousError,
      AttemptOrigin origin,
      String note) {
    return new Attempt(
        attemptId,
        executionId,
        phase,
        next.number(),
        next.maxAttempts(),
        commandId,
        contextFile,
        previousError,
        AttemptStatus.QUEUED,
        origin,
        note,
        false,
        null,
        null,
        null,
        null,
        null);
  }

  /** The attempt in words: "attempt 2 of 3", or "attempt 2" when its bound is unknown. */
  public String describe() {
    return AttemptBound.describe(attemptNumber, maxAttempts);
  }
}
