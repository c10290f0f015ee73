package dev.redrive.runner.domain;

/**
 * The number and bound of an attempt the runner queues itself (the next phase of the chain, a loop
 * target, a rollback): one more than the phase's highest number so far, and a bound that leaves it
 * the phase's whole retry budget (its {@code retry-policy.max-attempts}, or the runner's default).
 */
public record NextAttempt(int number, int maxAttempts) {

  /**
   * @param phase the phase that runs
   * @param highestSoFar the highest attempt number the phase had in the execution (0 when none)
   * @param defaultMaxAttempts the bound of a first attempt when the phase declares none
   */
  public static NextAttempt of(Phase phase, int highestSoFar, int defaultMaxAttempts) {
    int number = highestSoFar + 1;
    int configured =
        phase.retryPolicy() != null && phase.retryPolicy().maxAttempts() != null
            ? phase.retryPolicy().maxAttempts()
            : defaultMaxAttempts;
    return new NextAttempt(number, configured + number - 1);
  }
}
