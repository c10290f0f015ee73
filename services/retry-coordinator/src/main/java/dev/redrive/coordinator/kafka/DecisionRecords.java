package dev.redrive.coordinator.kafka;

import dev.redrive.avro.DelayComputation;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.coordinator.app.CoordinatorEvents.Requester;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The Avro records of the coordinator's decisions that more than one event carries. */
final class DecisionRecords {

  private DecisionRecords() {}

  /**
   * A RetryScheduled decision.
   *
   * @param requester who asked for the retry, null for an automatic one
   * @param why the explanation of an automatic retry, null for a person's
   */
  static RetryScheduled retryScheduled(
      Clock clock,
      String commandId,
      String phase,
      int attemptNumber,
      int maxAttempts,
      Instant notBefore,
      String reason,
      RetryPolicy policy,
      Requester requester,
      DecisionExplanation why) {
    return RetryScheduled.newBuilder()
        .setCommandId(commandId)
        .setPhase(phase)
        .setAttemptNumber(attemptNumber)
        .setMaxAttempts(maxAttempts)
        .setNotBefore(notBefore)
        .setDelayMs(Math.max(0, Duration.between(clock.instant(), notBefore).toMillis()))
        .setReason(reason)
        .setPolicy(policy.describe())
        .setRequestId(requester == null ? null : requester.requestId())
        .setRequestedBy(requester == null ? null : requester.requestedBy())
        .setForced(requester != null && requester.forced())
        .setNote(requester == null ? null : requester.note())
        .setExplanation(explanation(why))
        .build();
  }

  /** The explanation of a decision, or null. */
  static dev.redrive.avro.DecisionExplanation explanation(DecisionExplanation why) {
    if (why == null) {
      return null;
    }
    var delay = why.delay();
    return dev.redrive.avro.DecisionExplanation.newBuilder()
        .setPolicy(why.policy())
        .setPolicyVersion(why.policyVersion())
        .setOrigins(why.origins())
        .setFailuresCounted(why.failuresCounted())
        .setMaxAttempts(why.maxAttempts())
        .setBudget(why.budget())
        .setDelay(
            delay == null
                ? null
                : DelayComputation.newBuilder()
                    .setExponentialMs(delay.exponentialMs())
                    .setCapMs(delay.capMs())
                    .setJitter(dev.redrive.avro.Jitter.valueOf(delay.jitter().name()))
                    .setRetryAfterMs(delay.retryAfterMs())
                    .setDelayMs(delay.delayMs())
                    .setFormula(delay.formula())
                    .build())
        .setFingerprint(why.fingerprint())
        .setWouldChange(why.wouldChange())
        .build();
  }
}
