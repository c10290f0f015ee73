package dev.redrive.runner.app;

import java.util.List;

/**
 * A diff names a phase or attempt the execution does not have, or one whose manifest is not kept
 * (REST 404): says what exists instead.
 */
public class NothingToCompareException extends RequestRefusedException {

  private final List<Integer> failedAttempts;

  public NothingToCompareException(String message, List<Integer> failedAttempts) {
    super(message);
    this.failedAttempts = List.copyOf(failedAttempts);
  }

  /** The numbers of the phase's failed attempts, oldest first. */
  public List<Integer> failedAttempts() {
    return failedAttempts;
  }
}
