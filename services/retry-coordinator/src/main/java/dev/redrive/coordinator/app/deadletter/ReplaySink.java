package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.ReplayPlan;
import java.time.Duration;

/**
 * Where the steps of a replay plan go: a dry run counts them, a real replay claims and sends them.
 * Everything else (the selection, the plan, the order, the pace) is the same code for both.
 */
interface ReplaySink {

  /** Waits this long before the next send (a dry run does not wait). */
  void await(Duration wait) throws InterruptedException;

  /** Carries out one step that sends. */
  ReplayDeadLetters.Line send(ReplayPlan.Step step);
}
