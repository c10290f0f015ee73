package dev.redrive.support.outbox;

import dev.redrive.support.kafka.InvalidEventException;
import java.util.Locale;

/**
 * An event too large for Kafka, refused when it is written to the outbox: the caller's transaction
 * rolls back, so the input that produced it gets an error answer (REST) or goes to the dead-letter
 * topic with this message (Kafka; it is an {@link InvalidEventException}, never retried) instead of
 * jamming the relay with a row it could never send.
 */
public class OutboxMessageTooLargeException extends InvalidEventException {

  private final String eventType;
  private final String executionId;
  private final int bytes;
  private final int limit;

  OutboxMessageTooLargeException(
      String topic, String eventType, String executionId, int bytes, int limit) {
    super(
        String.format(
            Locale.ROOT,
            "%s of execution %s is %,d bytes encoded for %s, over the outbox limit of %,d bytes (redrive.outbox.max-message-bytes); make the input that went into it smaller",
            eventType,
            executionId,
            bytes,
            topic,
            limit));
    this.eventType = eventType;
    this.executionId = executionId;
    this.bytes = bytes;
    this.limit = limit;
  }

  public String eventType() {
    return eventType;
  }

  public String executionId() {
    return executionId;
  }

  /** The event's size as a Kafka record, about (payload, key, headers and record overhead). */
  public int bytes() {
    return bytes;
  }

  public int limit() {
    return limit;
  }
}
