package dev.redrive.support.kafka;

/**
 * An event that decoded but cannot be acted on (a required field is empty, a value is out of
 * range). It is never retried: the error handler sends the record to the dead-letter topic with
 * this message at once.
 */
public class InvalidEventException extends RuntimeException {

  public InvalidEventException(String message) {
    super(message);
  }
}
