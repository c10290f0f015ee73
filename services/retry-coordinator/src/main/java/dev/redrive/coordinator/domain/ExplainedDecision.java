package dev.redrive.coordinator.domain;

import java.time.Instant;

/**
 * The coordinator's last decision about an execution, kept with it so that a person can ask why.
 *
 * @param outcome {@code RETRY} or {@code INTERVENE}
 * @param cause why a person is asked ({@link Decision.Cause}), null for a retry
 * @param attemptNumber the failed attempt the decision is about
 * @param dueAt when the retry's command is due; null for an intervention
 * @param declared the phase's own policy, as its failures carry it (kept to resolve the next
 *     decision the same way)
 */
public record ExplainedDecision(
    String phase,
    int attemptNumber,
    String outcome,
    String cause,
    String reason,
    Instant decidedAt,
    Instant dueAt,
    PolicyOverride declared,
    DecisionExplanation why) {

  public static final String RETRY = "RETRY";
  public static final String INTERVENE = "INTERVENE";
}
