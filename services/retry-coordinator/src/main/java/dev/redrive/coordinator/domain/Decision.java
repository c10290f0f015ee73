package dev.redrive.coordinator.domain;

import java.time.Duration;

/** What the retry policy decided about a failure. */
public sealed interface Decision {

  /** Run the phase again as attempt {@code nextAttempt} after {@code delay}. */
  record Retry(int nextAttempt, Duration delay, String reason) implements Decision {}

  /**
   * Stop and ask a person: the execution is paused until a retry request arrives.
   *
   * @param cause why, as a metric tag and for code; {@code reason} says it in words
   */
  record Intervene(Cause cause, String reason, String recommendedAction) implements Decision {}

  /** Why a failure goes to a person. */
  enum Cause {
    /** The reporter says a retry cannot help. */
    HARD_FAILURE,
    /** The phase wrote outside its allowed paths: a person reviews it before anything runs. */
    UNAUTHORIZED_WRITE,
    /** The policy lists the failure type as not retryable. */
    NOT_RETRYABLE,
    /** The policy's attempts are used up. */
    ATTEMPTS_EXHAUSTED,
    /** The next retry could not start before the policy's retry deadline. */
    DEADLINE_PASSED,
    /** The retry budget of the pipeline or the source is used up (a retry storm). */
    BUDGET_USED_UP,
    /**
     * The same failure (same fingerprint) repeated on unchanged inputs and artifacts: a retry would
     * run the same thing again ({@link RepeatedFailureRule}).
     */
    REPEATED_FAILURE
  }
}
