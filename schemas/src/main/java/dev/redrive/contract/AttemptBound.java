package dev.redrive.contract;

/**
 * The bound of a phase's attempts: the number of the last attempt the phase may run before a person
 * is needed, and how an attempt and its bound are written for people.
 *
 * <p>Attempt numbers of a phase only grow (1, 2, 3...), across retries, loops, rollbacks and
 * resumes. The retry-coordinator weighs a separate counter against the policy's {@code
 * maxAttempts}: the phase's failures it counted. A failure its pipeline's loop handled is numbered
 * but not counted, and a retry request with {@code resetCount} sets the counter to zero while the
 * numbers go on. So the bound of attempt {@code n} is {@code n - 1 + (maxAttempts -
 * countedFailuresBefore)}: this attempt and the ones the counter still allows after it.
 *
 * <ul>
 *   <li>A first attempt: {@code lastAttempt(1, max, 0) = max}.
 *   <li>A retry after a failure: the next attempt's number, with the counter as it stands after
 *       that failure ({@code lastAttempt(3, 2, 1) = 3} when attempt 1 failed a loop check, which is
 *       not counted, and attempt 2 failed).
 *   <li>After a count reset: the counter is 0, so the phase gets {@code maxAttempts} more attempts
 *       from this one on.
 *   <li>A resume (rolling back to a phase) does not reset the counter: the resumed phase's bound is
 *       computed with its counter as it stands; only {@code resetCount} gives a fresh set.
 *   <li>A forced retry beyond the bound: the bound is never below the attempt's own number (the
 *       forced attempt is the last one).
 * </ul>
 *
 * <p>A bound may be unknown (null): the phase-runner queues attempts itself (a first attempt, the
 * next phase, a loop's target, a rollback) and knows the bound only when the phase declares its own
 * {@code retry-policy.max-attempts}, which wins at the coordinator. Retries the coordinator
 * commands always carry the bound.
 */
public final class AttemptBound {

  private AttemptBound() {}

  /**
   * The number of the last attempt the phase may run, seen from attempt {@code attemptNumber}.
   *
   * @param attemptNumber the attempt that is about to run (or ran), from 1
   * @param maxAttempts the policy's attempts in all, the first included (at least 1)
   * @param countedFailuresBefore the phase's failures counted against the policy before this
   *     attempt (0 for a first attempt and after a count reset)
   * @return {@code attemptNumber - 1 + (maxAttempts - countedFailuresBefore)}, never below {@code
   *     attemptNumber}
   */
  public static int lastAttempt(int attemptNumber, int maxAttempts, int countedFailuresBefore) {
    if (attemptNumber < 1) {
      throw new IllegalArgumentException("attemptNumber must be at least 1, was " + attemptNumber);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (countedFailuresBefore < 0) {
      throw new IllegalArgumentException(
          "countedFailuresBefore must not be negative, was " + countedFailuresBefore);
    }
    long bound = (long) attemptNumber - 1 + maxAttempts - countedFailuresBefore;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(attemptNumber, bound));
  }

  /**
   * The attempt in words: {@code "attempt 3 of 4"}, or {@code "attempt 3"} when the bound is
   * unknown.
   *
   * @param bound the number of the phase's last attempt, or null when unknown
   */
  public static String describe(int attemptNumber, Integer bound) {
    return bound == null ? "attempt " + attemptNumber : "attempt " + attemptNumber + " of " + bound;
  }
}
