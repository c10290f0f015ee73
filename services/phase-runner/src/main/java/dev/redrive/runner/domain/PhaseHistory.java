package dev.redrive.runner.domain;

/**
 * What an execution's earlier attempts of a phase tell the runner about the next one.
 *
 * @param highestAttemptNumber the highest attempt number the phase had (0 when none)
 * @param failedBefore one of them FAILED, so the coordinator may have counted it against the
 *     phase's policy (a LOOPED attempt is not counted, a cancelled one is not reported)
 */
public record PhaseHistory(int highestAttemptNumber, boolean failedBefore) {

  /** A phase that never ran in the execution. */
  public static final PhaseHistory NONE = new PhaseHistory(0, false);
}
