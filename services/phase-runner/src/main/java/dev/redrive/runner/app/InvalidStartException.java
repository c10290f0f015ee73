package dev.redrive.runner.app;

import dev.redrive.support.kafka.InvalidEventException;

/**
 * A start request whose inputs cannot be used: an input file name that leaves {@code input/}, bad
 * base64, a missing input a phase declares, an execution id that is no safe folder name (REST 400;
 * Kafka DLT).
 */
public class InvalidStartException extends InvalidEventException {

  public InvalidStartException(String message) {
    super(message);
  }
}
