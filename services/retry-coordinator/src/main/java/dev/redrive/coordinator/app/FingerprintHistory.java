package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.FailureType;
import java.time.Instant;
import java.util.List;

/**
 * The failures of a window grouped by error fingerprint (and by pipeline and phase), with what
 * followed them: read from the attempts the coordinator keeps.
 */
public interface FingerprintHistory {

  /**
   * Which failures are read; null members match all.
   *
   * @param fingerprint one fingerprint's id, or null
   * @param since failures that occurred at or after this instant
   */
  record Query(String fingerprint, String pipeline, String phase, Instant since) {}

  /**
   * A fingerprint's failures in one phase of one pipeline (or of another system's, pipeline null).
   *
   * @param failureType the failure type of one of its failures (all of them mask alike)
   * @param errorType that failure's error type
   * @param message that failure's message
   * @param checks that failure's checks
   * @param retries failures followed by another attempt of the phase that ended
   * @param retriesSucceeded how many of those next attempts succeeded
   */
  record Group(
      String fingerprint,
      String pipeline,
      String phase,
      String source,
      long failures,
      long executions,
      Instant firstSeen,
      Instant lastSeen,
      long retries,
      long retriesSucceeded,
      FailureType failureType,
      String errorType,
      String message,
      List<CheckOutcome> checks) {}

  /**
   * One failure of a fingerprint, and the outcome of the next attempt of its phase ({@code
   * SUCCEEDED}, {@code FAILED}, {@code STARTED}, or null when none followed).
   */
  record Occurrence(
      String executionId,
      String pipeline,
      String phase,
      int attemptNumber,
      Instant occurredAt,
      String message,
      String inputsDigest,
      String artifactsDigest,
      String nextOutcome) {}

  /** Groups that match, most failures first, from {@code offset}, at most {@code limit}. */
  List<Group> groups(Query query, int offset, int limit);

  /** The latest failures of one fingerprint in the window, newest first, at most {@code limit}. */
  List<Occurrence> latest(Query query, int limit);
}
