package dev.redrive.coordinator.kafka;

import dev.redrive.avro.DelayComputation;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.coordinator.app.CoordinatorEvents.Requester;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Avro records of the coordinator's decisions that more than one event carries. */
final class DecisionRecords {

  private DecisionRecords() {}

  /**
   * A RetryScheduled decision.
   *
   * @param requester who asked for the retry, null for an automatic one
   * @param why the explanation of the retry (of a person's retry in place: the policy its next
   *     failure will meet); null for a resume
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

  /**
   * The explanation a decision carried, or null; its policy's origins in the order of the policy's
   * fields, as it was made (an Avro map keeps no order).
   */
  static DecisionExplanation explanation(dev.redrive.avro.DecisionExplanation why) {
    if (why == null) {
      return null;
    }
    var delay = why.getDelay();
    Map<String, String> origins = new LinkedHashMap<>();
    for (String field : PolicyOverride.FIELDS) {
      String layer = why.getOrigins().get(field);
      if (layer != null) {
        origins.put(field, layer);
      }
    }
    why.getOrigins().forEach(origins::putIfAbsent);
    return new DecisionExplanation(
        why.getPolicy(),
        why.getPolicyVersion(),
        origins,
        why.getFailuresCounted(),
        why.getMaxAttempts(),
        why.getBudget(),
        delay == null
            ? null
            : new dev.redrive.coordinator.domain.DelayComputation(
                delay.getExponentialMs(),
                delay.getCapMs(),
                Jitter.valueOf(delay.getJitter().name()),
                delay.getRetryAfterMs(),
                delay.getDelayMs(),
                delay.getFormula()),
        why.getFingerprint(),
        why.getWouldChange());
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
