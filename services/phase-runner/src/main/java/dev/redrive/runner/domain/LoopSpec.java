package dev.redrive.runner.domain;

/**
 * A bounded loop: when the exit criterion {@code onCheck} of this phase fails, the work goes back
 * to the earlier phase {@code goTo} (with the check's output as its context) and the phases from
 * there run again, at most {@code maxIterations} times per execution. When the iterations are used
 * up, the failure is reported like any other.
 */
public record LoopSpec(String onCheck, String goTo, int maxIterations) {

  /** Upper bound on {@code maxIterations}. */
  public static final int MOST_ITERATIONS = 100;

  public LoopSpec {
    if (maxIterations < 1 || maxIterations > MOST_ITERATIONS) {
      throw new IllegalArgumentException(
          "maxIterations must be between 1 and " + MOST_ITERATIONS + ", was " + maxIterations);
    }
  }

  /**
   * What follows a failed attempt of the phase that owns this loop.
   *
   * @param outcome how the attempt ended
   * @param iterationsSoFar loop iterations this execution already used
   */
  public LoopDecision decide(AttemptOutcome outcome, int iterationsSoFar) {
    if (outcome.succeeded()
        || outcome.failureType() != FailureType.EXIT_CRITERIA_NOT_MET
        || !outcome.failedCheckNames().contains(onCheck)) {
      return new LoopDecision.NotTriggered();
    }
    if (iterationsSoFar >= maxIterations) {
      return new LoopDecision.Exhausted(goTo, iterationsSoFar, maxIterations);
    }
    CheckResult check =
        outcome.checks().stream().filter(c -> c.name().equals(onCheck)).findFirst().orElseThrow();
    return new LoopDecision.GoBack(goTo, iterationsSoFar + 1, maxIterations, check);
  }
}
