package dev.redrive.runner.domain;

import dev.redrive.contract.AttemptBound;

/**
 * The number and bound of an attempt ({@link AttemptBound}).
 *
 * @param maxAttempts the number of the phase's last attempt, or null when the runner cannot know it
 */
public record NextAttempt(int number, Integer maxAttempts) {

  /**
   * An attempt the runner queues itself (the first phase, the next phase of the chain, a loop's
   * target, a rollback): one more than the phase's highest number so far. The coordinator resolves
   * the phase's policy from its defaults, the source, the pipeline and the phase's settings, and
   * the phase's own {@code retry-policy.max-attempts} wins over them all; and it counts the phase's
   * failures. So the runner knows the bound only when the phase declares {@code max-attempts} and
   * none of its earlier attempts failed (nothing is counted): then the declared attempts count from
   * this one. Otherwise it is unknown (null); the coordinator's retries carry it.
   *
   * @param phase the phase that runs
   * @param history the phase's earlier attempts in the execution
   */
  public static NextAttempt of(Phase phase, PhaseHistory history) {
    int number = history.highestAttemptNumber() + 1;
    Integer declared = phase.retryPolicy() == null ? null : phase.retryPolicy().maxAttempts();
    if (declared == null || history.failedBefore()) {
      return new NextAttempt(number, null);
    }
    return new NextAttempt(number, AttemptBound.lastAttempt(number, declared, 0));
  }

  /** The attempt in words: "attempt 2 of 3", or "attempt 2" when the bound is unknown. */
  public String describe() {
    return AttemptBound.describe(number, maxAttempts);
  }
}
