package dev.redrive.contract;

import java.time.Instant;
import java.util.List;

/**
 * What an error report says about one failed attempt: the facts every service has of it, whoever
 * reported it (the failure type stays a name, so a type the reader does not know survives).
 *
 * @param executionId the execution, named in the recommended retry
 * @param phase the phase (the report's "Stage")
 * @param attemptNumber the attempt, counting from 1
 * @param maxAttempts the number of the phase's last attempt ({@link AttemptBound}), or null when
 *     unknown
 * @param failureType how the attempt failed, e.g. {@code COMMAND_FAILED}
 * @param errorType the reporter's own name for the error, may be null
 * @param errorMessage what went wrong, in one line
 * @param exitCode the command's exit code, may be null
 * @param logExcerpt the stack trace or log excerpt, may be null
 * @param checks the exit criteria that ran, passed or not
 * @param failedExitCriteria names of failed exit criteria a reporter gave without check results
 * @param archivedTo where the failed attempt's artifacts were moved, may be null
 * @param occurredAt when the attempt failed
 * @param missingOutputOf for a missing input, the earlier phase whose output is missing (the
 *     {@value #MISSING_OUTPUT_PHASE} attribute of {@code AttemptFailed}), else null
 */
public record FailedAttempt(
    String executionId,
    String phase,
    int attemptNumber,
    Integer maxAttempts,
    String failureType,
    String errorType,
    String errorMessage,
    Integer exitCode,
    String logExcerpt,
    List<Check> checks,
    List<String> failedExitCriteria,
    String archivedTo,
    Instant occurredAt,
    String missingOutputOf) {

  /**
   * The attribute of an {@code AttemptFailed} of type {@code MISSING_OUTPUT} that names the earlier
   * phase whose output the failed phase did not find.
   */
  public static final String MISSING_OUTPUT_PHASE = "redrive.missing-output.phase";

  public FailedAttempt {
    checks = checks == null ? List.of() : List.copyOf(checks);
    failedExitCriteria = failedExitCriteria == null ? List.of() : List.copyOf(failedExitCriteria);
  }

  /** One exit criterion and whether it passed. */
  public record Check(String name, boolean passed) {}

  /**
   * The names of the exit criteria that failed: of the checks when there are any, else the ones a
   * reporter named without results.
   */
  public List<String> failedCheckNames() {
    return checks.isEmpty()
        ? failedExitCriteria
        : checks.stream().filter(check -> !check.passed()).map(Check::name).toList();
  }
}
