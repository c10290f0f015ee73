package dev.redrive.runner.app;

/**
 * A request or command the runner refuses as it is: it names something unknown, its input is wrong,
 * or it does not fit the execution's state. Retrying the same request cannot help: the web adapter
 * answers it with a 4xx, and the Kafka error handler sends the command to the dead-letter topic at
 * once with this message (where it can be replayed once the state allows it).
 */
public abstract class RequestRefusedException extends RuntimeException {

  protected RequestRefusedException(String message) {
    super(message);
  }
}
