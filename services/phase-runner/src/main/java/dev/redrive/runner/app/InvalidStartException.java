package dev.redrive.runner.app;

/**
 * A start request whose inputs cannot be used: an input file name that leaves {@code input/}, bad
 * base64, a missing input a phase declares, an execution id that is no safe folder name (REST 400;
 * Kafka DLT).
 */
public class InvalidStartException extends RequestRefusedException {

  public InvalidStartException(String message) {
    super(message);
  }
}
