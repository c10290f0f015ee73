package dev.redrive.runner.app;

import dev.redrive.support.kafka.InvalidEventException;

/** A command or request names an execution this runner does not know (REST 404; Kafka DLT). */
public class UnknownExecutionException extends InvalidEventException {

  public UnknownExecutionException(String message) {
    super(message);
  }
}
