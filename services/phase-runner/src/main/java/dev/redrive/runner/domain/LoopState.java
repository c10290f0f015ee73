package dev.redrive.runner.domain;

/**
 * Where a phase's loop stands when its check failed, as the failure reports it ({@code
 * AttemptFailed.loop}): not exhausted, the runner already went back to {@code target} and the
 * coordinator only records the failure; exhausted, no iterations were left and the coordinator
 * decides the failure as usual.
 *
 * @param target the phase the loop sends the work back to
 * @param iterations loop iterations used
 * @param maxIterations loop iterations allowed
 * @param exhausted true when no iterations were left
 */
public record LoopState(String target, int iterations, int maxIterations, boolean exhausted) {

  /** The state of a loop that went back to its target for iteration {@code iteration}. */
  public static LoopState wentBack(LoopDecision.GoBack back) {
    return new LoopState(back.target(), back.iteration(), back.max(), false);
  }

  /** The state of a loop whose check failed with no iterations left. */
  public static LoopState exhausted(LoopDecision.Exhausted exhausted) {
    return new LoopState(exhausted.target(), exhausted.iterations(), exhausted.max(), true);
  }
}
