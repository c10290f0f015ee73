package dev.redrive.runner.app;

/** A command or request names an execution this runner does not know (REST 404; Kafka DLT). */
public class UnknownExecutionException extends RequestRefusedException {

  public UnknownExecutionException(String message) {
    super(message);
  }
}
