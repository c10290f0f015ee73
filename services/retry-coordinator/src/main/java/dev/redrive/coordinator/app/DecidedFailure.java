package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import java.time.Duration;

/**
 * What the coordinator decided about a failure, kept for the what-if replay, with the facts the
 * decision weighed that the attempt row does not keep.
 *
 * @param declared the phase's own policy the failure carried ({@link PolicyOverride#NONE} if none)
 * @param retryAfter the reporter's own delay, or null
 */
public record DecidedFailure(
    String attemptId, RecordedDecision decision, PolicyOverride declared, Duration retryAfter) {

  static DecidedFailure of(AttemptReport.Failed report, RecordedDecision decision) {
    return new DecidedFailure(
        report.failure().attemptId(),
        decision,
        report.declaredPolicy() == null ? PolicyOverride.NONE : report.declaredPolicy(),
        report.failure().retryAfter());
  }
}
