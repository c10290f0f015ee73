package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import java.time.Duration;

/**
 * A failure and what the coordinator decided about it: recorded together, on the failure's attempt
 * row, with the facts the decision weighed that the failure alone does not say (kept for the
 * what-if replay).
 */
public record DecidedFailure(AttemptReport.Failed report, RecordedDecision decision) {

  public String attemptId() {
    return report.failure().attemptId();
  }

  /** The phase's own policy the failure carried ({@link PolicyOverride#NONE} if none). */
  public PolicyOverride declared() {
    return report.declaredPolicy() == null ? PolicyOverride.NONE : report.declaredPolicy();
  }

  /** The reporter's own delay, or null. */
  public Duration retryAfter() {
    return report.failure().retryAfter();
  }
}
