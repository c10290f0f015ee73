package dev.redrive.runner.domain;

import dev.redrive.contract.FailedAttempt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one attempt of a phase ended.
 *
 * @param failureType null when the attempt succeeded
 * @param hard a retry cannot help (for example a missing output of an earlier phase)
 * @param logExcerpt bounded excerpt of stderr and stdout (or of the http answer)
 * @param retryAfterMs the reporter's own delay before a retry (an http {@code Retry-After}), or
 *     null
 * @param attributes facts for the coordinator and the audit beyond the fixed fields ({@code
 *     AttemptFailed.attributes}): quarantined files, the missing output, the http status...
 */
public record AttemptOutcome(
    FailureType failureType,
    boolean hard,
    String errorType,
    String message,
    Integer exitCode,
    List<CheckResult> checks,
    String logExcerpt,
    long durationMs,
    Long retryAfterMs,
    Map<String, String> attributes) {

  /** Attribute: the earlier phase whose promised output is missing. */
  public static final String MISSING_OUTPUT_PHASE = FailedAttempt.MISSING_OUTPUT_PHASE;

  /** Attribute: the missing output's path. */
  public static final String MISSING_OUTPUT_PATH = "redrive.missing-output.path";

  /** Attribute: where files written outside the allowed paths were moved. */
  public static final String UNTRUSTED_LOCATION = "redrive.untrusted.location";

  /** Attribute: comma-separated workspace-relative paths written outside the allowed paths. */
  public static final String UNTRUSTED_FILES = "redrive.untrusted.files";

  /** Attribute: the http status of a webhook phase. */
  public static final String HTTP_STATUS = "redrive.http.status";

  /** Attribute: what queued the attempt (CHAIN, RETRY, LOOP or ROLLBACK). */
  public static final String ATTEMPT_ORIGIN = "redrive.attempt.origin";

  public AttemptOutcome {
    checks = List.copyOf(checks);
    attributes = Map.copyOf(attributes);
  }

  public AttemptOutcome(
      FailureType failureType,
      boolean hard,
      String errorType,
      String message,
      Integer exitCode,
      List<CheckResult> checks,
      String logExcerpt,
      long durationMs) {
    this(
        failureType,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        logExcerpt,
        durationMs,
        null,
        Map.of());
  }

  public static AttemptOutcome success(
      List<CheckResult> checks, String logExcerpt, long durationMs) {
    return new AttemptOutcome(null, false, null, null, 0, checks, logExcerpt, durationMs);
  }

  public boolean succeeded() {
    return failureType == null;
  }

  public List<String> failedCheckNames() {
    return checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
  }

  /** This outcome with more attributes (later entries win). */
  public AttemptOutcome withAttributes(Map<String, String> more) {
    Map<String, String> merged = new LinkedHashMap<>(attributes);
    merged.putAll(more);
    return new AttemptOutcome(
        failureType,
        hard,
        errorType,
        message,
        exitCode,
        checks,
        logExcerpt,
        durationMs,
        retryAfterMs,
        merged);
  }
}
