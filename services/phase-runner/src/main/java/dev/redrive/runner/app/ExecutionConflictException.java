package dev.redrive.runner.app;

/**
 * A command that cannot act on the execution in its current state: a phase of it is running, it was
 * cancelled, it exists already, or there is nothing left to resume (REST 409; on Kafka the DLT,
 * from where it can be replayed once the state allows it).
 */
public class ExecutionConflictException extends RequestRefusedException {

  public ExecutionConflictException(String message) {
    super(message);
  }
}
