package dev.redrive.runner.domain;

/** How an attempt failed (the values of the public contract's FailureType). */
public enum FailureType {
  MISSING_OUTPUT,
  EXIT_CRITERIA_NOT_MET,
  UNAUTHORIZED_WRITE,
  COMMAND_FAILED,
  TIMEOUT,
  INTERRUPTED,
  INFRASTRUCTURE,
  OTHER
}
