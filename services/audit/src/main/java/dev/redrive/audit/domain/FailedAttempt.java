package dev.redrive.audit.domain;

import java.time.Instant;
import java.util.List;

/**
 * What an {@code AttemptFailed} event says about one failed attempt, as far as its error report
 * needs it.
 *
 * @param phase the phase (the report's "Stage")
 * @param attemptNumber the attempt, counting from 1
 * @param maxAttempts the attempts allowed, when a decision of the execution named it; else null
 * @param failureType how the attempt failed, e.g. {@code COMMAND_FAILED}
 * @param errorType the reporter's own name for the error, may be null
 * @param errorMessage what went wrong, in one line
 * @param logExcerpt the stack trace or log excerpt, may be null
 * @param checks the exit criteria that ran, passed or not
 * @param failedExitCriteria names of failed exit criteria the reporter gave without a check result
 * @param artifactsLocation where the failed attempt's artifacts were archived, may be null
 * @param occurredAt when the attempt failed
 * @param errorReport the {@code error.log} text the reporter attached, may be null
 */
public record FailedAttempt(
    String phase,
    int attemptNumber,
    Integer maxAttempts,
    String failureType,
    String errorType,
    String errorMessage,
    String logExcerpt,
    List<Check> checks,
    List<String> failedExitCriteria,
    String artifactsLocation,
    Instant occurredAt,
    String errorReport) {

  public FailedAttempt {
    checks = checks == null ? List.of() : List.copyOf(checks);
    failedExitCriteria = failedExitCriteria == null ? List.of() : List.copyOf(failedExitCriteria);
  }

  /** One exit criterion and whether it passed. */
  public record Check(String name, boolean passed) {}
}
