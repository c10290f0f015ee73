package dev.redrive.runner.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a loop iteration does once a phase's loop check failed and iterations are left ({@link
 * LoopDecision.GoBack}): the failed attempt ends LOOPED and is reported with the loop's state; the
 * loop's target runs again as its next attempt, with the failed check as its prior attempt.
 *
 * @param target the phase that runs again
 * @param next its attempt number and bound
 * @param contextFile where its context goes, relative to the workspace
 * @param previousError what the attempt sees as {@code REDRIVE_PREVIOUS_ERROR}
 * @param reported the loop's state in the LOOPED attempt's {@code AttemptFailed}, so that the
 *     coordinator and the audit see that the loop handled it
 */
public record LoopPlan(
    String target,
    int iteration,
    int maxIterations,
    String check,
    NextAttempt next,
    String contextFile,
    ContextJson context,
    String previousError,
    LoopState reported) {

  /**
   * Plans the iteration.
   *
   * @param phase the phase whose check failed
   * @param looped its attempt
   * @param outcome how that attempt ended
   * @param back the loop's decision
   * @param iteration this iteration's number, counted in the database
   * @param target the loop's target phase
   * @param targetHistory the target's earlier attempts in the execution
   * @param archive where the looped attempt's artifacts were archived
   */
  public static LoopPlan plan(
      Phase phase,
      Attempt looped,
      AttemptOutcome outcome,
      LoopDecision.GoBack back,
      int iteration,
      Phase target,
      PhaseHistory targetHistory,
      String archive,
      Instant now) {
    if (!target.name().equals(back.target())) {
      throw new IllegalArgumentException(
          "the loop goes to %s, not %s".formatted(back.target(), target.name()));
    }
    NextAttempt next = NextAttempt.of(target, targetHistory);
    LoopDecision.GoBack counted =
        new LoopDecision.GoBack(back.target(), iteration, back.max(), back.check());
    ContextJson context =
        new ContextJson(
            null,
            looped.executionId(),
            target.name(),
            next.number(),
            next.maxAttempts(),
            List.of(
                new ContextJson.Prior(
                    looped.attemptId(),
                    looped.attemptNumber(),
                    outcome.failureType().name(),
                    outcome.errorType(),
                    "phase %s: %s".formatted(phase.name(), outcome.message()),
                    outcome.exitCode(),
                    outcome.checks().stream()
                        .filter(c -> !c.passed())
                        .map(c -> new ContextJson.Check(c.name(), c.passed(), c.outputExcerpt()))
                        .toList(),
                    outcome.durationMs(),
                    archive,
                    now.toString())),
            List.of(),
            Guidance.loop(phase.name(), target.name(), counted),
            false);
    return new LoopPlan(
        target.name(),
        iteration,
        back.max(),
        back.check().name(),
        next,
        ".redrive/loop-%s-attempt-%d.json".formatted(target.name(), next.number()),
        context,
        "EXIT_CRITERIA_NOT_MET: check '%s' of phase %s failed"
            .formatted(back.check().name(), phase.name()),
        LoopState.wentBack(counted));
  }
}
