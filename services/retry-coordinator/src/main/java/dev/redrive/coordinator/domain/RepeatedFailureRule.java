package dev.redrive.coordinator.domain;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Stops automatic retries early when they would run the same thing on the same inputs: the last
 * {@code count} counted failures of a phase have the same {@link ErrorFingerprint} and equal, known
 * inputs and artifacts digests. A person is asked instead ({@link
 * Decision.Cause#REPEATED_FAILURE}).
 *
 * <p>It applies only to failure types that are deterministic ({@code types}); a timeout, an
 * infrastructure failure or an interruption repeats by nature and is worth retrying on the same
 * inputs.
 *
 * @param enabled whether the rule stops anything
 * @param count identical consecutive failures that stop (at least 2)
 * @param types the failure types it applies to
 */
public record RepeatedFailureRule(boolean enabled, int count, Set<FailureType> types) {

  /** Failure types that repeat by nature: the rule never applies to them. */
  public static final Set<FailureType> NEVER =
      Set.copyOf(
          EnumSet.of(FailureType.TIMEOUT, FailureType.INFRASTRUCTURE, FailureType.INTERRUPTED));

  /** The types it applies to unless configured otherwise: the deterministic ones. */
  public static final Set<FailureType> DETERMINISTIC =
      Set.copyOf(
          EnumSet.of(
              FailureType.COMMAND_FAILED,
              FailureType.EXIT_CRITERIA_NOT_MET,
              FailureType.MISSING_OUTPUT,
              FailureType.OTHER));

  /** The most identical failures it may wait for (more is the attempts bound's business). */
  public static final int MAX_COUNT = 100;

  public RepeatedFailureRule {
    if (count < 2 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "count must be 2-%d (a failure repeats once it happened twice), was %d"
              .formatted(MAX_COUNT, count));
    }
    types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
    for (FailureType type : types) {
      if (NEVER.contains(type)) {
        throw new IllegalArgumentException(
            "types must not name %s: it repeats by nature (never %s)"
                .formatted(type, NEVER.stream().map(Enum::name).sorted().toList()));
      }
    }
  }

  /** Enabled, stopping at the second identical failure of a deterministic type. */
  public static RepeatedFailureRule defaults() {
    return new RepeatedFailureRule(true, 2, DETERMINISTIC);
  }

  /**
   * Whether {@code failure} repeats the failures before it on unchanged inputs and artifacts, and a
   * person is asked instead of a retry.
   *
   * @param executionId the failure's execution (named in the recommended action)
   * @param counted the phase's failures counted since its counter was last reset, oldest first,
   *     with or without {@code failure} itself at the end
   * @param failure the failure just reported
   * @return the intervention, or null when the rule does not stop it
   */
  public Decision.Intervene check(String executionId, List<Failure> counted, Failure failure) {
    if (!enabled || !types.contains(failure.type())) {
      return null;
    }
    List<Failure> before =
        counted.stream().filter(f -> !f.attemptId().equals(failure.attemptId())).toList();
    if (before.size() < count - 1) {
      return null;
    }
    List<Failure> last = before.subList(before.size() - (count - 1), before.size());
    // the digests first: comparing them is cheap, and unknown ones end the check at once
    for (Failure earlier : last) {
      if (earlier.type() != failure.type() || !failure.sameInputsAndArtifactsAs(earlier)) {
        return null;
      }
    }
    ErrorFingerprint fingerprint = failure.fingerprint();
    for (Failure earlier : last) {
      if (!earlier.fingerprint().id().equals(fingerprint.id())) {
        return null;
      }
    }
    return new Decision.Intervene(
        Decision.Cause.REPEATED_FAILURE,
        ("the same failure %s (%s) repeated %s on unchanged inputs and artifacts; a retry would"
                + " run the same thing again")
            .formatted(fingerprint.id(), fingerprint.text(), times(count)),
        recommendedAction(executionId, failure, fingerprint));
  }

  private static String times(int count) {
    return count == 2 ? "twice" : count + " times";
  }

  /**
   * Two numbered lines, as {@link RetryPolicy#recommendedAction} gives: change something first (a
   * retry on the same inputs fails again), then retry with a fresh counter.
   */
  static String recommendedAction(String executionId, Failure failure, ErrorFingerprint fp) {
    return ("1. Change what phase '%s' runs on (its inputs, parameters, an earlier phase's output)"
            + " or what it depends on; %s\n"
            + "2. Retry %s stage: redrive retry %s --reset-count (how often retries of this"
            + " failure succeeded: redrive fingerprints show %s)")
        .formatted(
            failure.phase(),
            RetryPolicy.recommendedAction(executionId, failure)
                .lines()
                .findFirst()
                .orElse("")
                .replaceFirst("^1\\. ", "for this failure: "),
            failure.phase(),
            executionId,
            fp.id());
  }
}
