package dev.redrive.runner.domain;

/** What a phase's loop makes of a failed attempt ({@link LoopSpec#decide}). */
public sealed interface LoopDecision {

  /** The loop does not apply: another kind of failure, or another check failed. */
  record NotTriggered() implements LoopDecision {}

  /**
   * Send the work back to {@code target}; this is loop iteration {@code iteration} of {@code max}.
   */
  record GoBack(String target, int iteration, int max, CheckResult check) implements LoopDecision {}

  /** The loop's check failed but its iterations are used up: report the failure as usual. */
  record Exhausted(String target, int iterations, int max) implements LoopDecision {}
}
