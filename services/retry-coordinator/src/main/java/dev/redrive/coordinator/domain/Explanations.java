package dev.redrive.coordinator.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains decisions in words: why the last one went as it did, what would have changed it, and
 * what the coordinator will decide next. Plain functions of the policy, the counter and the budget.
 */
public final class Explanations {

  private Explanations() {}

  /**
   * Why {@code decision} was made about {@code failure}.
   *
   * @param budget the retry budget of each scope weighed, in words (empty when not weighed)
   * @param firstFailureAt the phase's first failure, from which a deadline counts
   * @param repeatsOnSameInputs the failure repeats the ones before it on unchanged inputs, so the
   *     repeated-failure stop would end more attempts
   */
  public static DecisionExplanation of(
      String executionId,
      ResolvedPolicy resolved,
      int failuresCounted,
      Failure failure,
      Decision decision,
      List<String> budget,
      Instant firstFailureAt,
      String fingerprint,
      boolean repeatsOnSameInputs) {
    RetryPolicy policy = resolved.policy();
    DelayComputation delay =
        decision instanceof Decision.Retry retry
            ? DelayComputation.of(policy, failuresCounted, failure.retryAfter(), retry.delay())
            : null;
    return new DecisionExplanation(
        policy.describe(),
        resolved.version(),
        resolved.origins(),
        failuresCounted,
        policy.maxAttempts(),
        budget,
        delay,
        fingerprint,
        wouldChange(
            executionId,
            resolved,
            failuresCounted,
            failure,
            decision,
            firstFailureAt,
            repeatsOnSameInputs));
  }

  /** What would have changed the outcome of {@code decision}, in words. */
  static List<String> wouldChange(
      String executionId,
      ResolvedPolicy resolved,
      int failuresCounted,
      Failure failure,
      Decision decision,
      Instant firstFailureAt,
      boolean repeatsOnSameInputs) {
    RetryPolicy policy = resolved.policy();
    List<String> changes = new ArrayList<>();
    // the words of a retry are concatenated, not formatted: they are made for every retry
    String origin =
        "maxAttempts=" + policy.maxAttempts() + " (set by " + origin(resolved, "maxAttempts") + ")";
    if (decision instanceof Decision.Retry retry) {
      int left = policy.maxAttempts() - failuresCounted - 1;
      changes.add(
          left <= 0
              ? "this retry is the last one "
                  + origin
                  + " allows: if it fails too, the execution pauses for a person"
              : left
                  + (left == 1 ? " more failure is" : " more failures are")
                  + " retried automatically under "
                  + origin
                  + " before a person is asked");
      long backoff =
          Math.min(policy.exponentialMillis(failuresCounted), policy.maxInterval().toMillis());
      if (failure.retryAfter() != null) {
        changes.add(
            "the reporter's Retry-After set the delay; without it the back-off would have been "
                + backoff
                + "ms");
      } else if (policy.jitter() == Jitter.FULL) {
        changes.add(
            "with jitter NONE (set by "
                + origin(resolved, "jitter")
                + ") the delay would have been "
                + backoff
                + "ms");
      }
      if (policy.deadline() != null) {
        changes.add(
            "retries may start until %s (deadline %s after the first failure, set by %s)"
                .formatted(
                    firstFailureAt.plus(policy.deadline()),
                    policy.deadline(),
                    origin(resolved, "deadline")));
      }
      return changes;
    }
    Decision.Intervene intervene = (Decision.Intervene) decision;
    switch (intervene.cause()) {
      case ATTEMPTS_EXHAUSTED -> {
        changes.add(
            repeatsOnSameInputs
                ? ("under %s: a higher maxAttempts would not have helped: the same failure repeated"
                        + " on unchanged inputs and artifacts, and the repeated-failure stop would"
                        + " have asked a person; change what the phase runs on first")
                    .formatted(origin)
                : "under %s: with maxAttempts %d or more this failure would have been retried"
                    .formatted(origin, failuresCounted + 1));
        changes.add(
            "a retry with a reset count starts counting again: redrive retry %s --reset-count"
                .formatted(executionId));
      }
      case NOT_RETRYABLE ->
          changes.add(
              "%s is non-retryable under the policy (nonRetryable set by %s); without it the failure would have been retried"
                  .formatted(failure.type(), origin(resolved, "nonRetryable")));
      case DEADLINE_PASSED ->
          changes.add(
              "the retry could not start before %s (deadline %s set by %s); a longer deadline would have allowed it"
                  .formatted(
                      firstFailureAt.plus(policy.deadline()),
                      policy.deadline(),
                      origin(resolved, "deadline")));
      case BUDGET_USED_UP ->
          changes.add(
              "the retry budget refused: once its window has passed, or with a higher ratio, the failure would have been retried; retry the paused executions in bulk once the cause is fixed (redrive retry --all)");
      case HARD_FAILURE ->
          changes.add(
              "the reporter marked the failure HARD: no policy retries it; fix the cause first");
      case UNAUTHORIZED_WRITE ->
          changes.add(
              "a write outside the phase's allowed paths always goes to a person, whatever the policy");
      default ->
          changes.add("a different failure, or changed inputs, would have been decided anew");
    }
    changes.add("a person's retry runs it again now: redrive retry " + executionId);
    return changes;
  }

  /**
   * What the coordinator decides if the phase fails once more: a retry after a delay (a range under
   * FULL jitter) or a pause for a person.
   */
  public static String onNextFailure(ResolvedPolicy resolved, int failuresCounted) {
    RetryPolicy policy = resolved.policy();
    int next = failuresCounted + 1;
    if (next >= policy.maxAttempts()) {
      return "pause for a person: failure %d would use up maxAttempts=%d (set by %s)"
          .formatted(next, policy.maxAttempts(), origin(resolved, "maxAttempts"));
    }
    long capped = Math.min(policy.exponentialMillis(next), policy.maxInterval().toMillis());
    return ("retry %s: failure %d counted, maxAttempts=%d (set by %s); unless the failure is HARD,"
            + " non-retryable, past the deadline or the retry budget is spent")
        .formatted(
            policy.jitter() == Jitter.FULL
                ? "after 0..%dms (FULL jitter)".formatted(capped)
                : "after %dms".formatted(capped),
            next,
            policy.maxAttempts(),
            origin(resolved, "maxAttempts"));
  }

  /** The layer that set a field, in words. */
  static String origin(ResolvedPolicy resolved, String field) {
    return resolved.origins().getOrDefault(field, "default");
  }

  /** A budget scope's state in words, for explanations. */
  public static String budgetState(RetryBudget budget, String scope, long retries, long attempts) {
    // concatenated, not formatted: made for every scope of every retry weighed
    return scope
        + ": "
        + retries
        + " retries for "
        + attempts
        + " attempts in the last "
        + budget.window().toSeconds()
        + "s; budget "
        + Math.round(budget.ratio() * 100)
        + "% ("
        + budget.minRetries()
        + " retries always allowed): one more retry "
        + (budget.allowsOneMore(retries, attempts) ? "fits" : "is refused");
  }
}
