package dev.redrive.support.outbox;

import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Which send errors mean that a record can never be sent, however often it is tried: the record is
 * too large for the producer, the broker or its topic, the broker refuses its content, or its topic
 * name is invalid. Those rows are parked; any other error (the broker away, a timeout, a fenced
 * producer, an authorization error that an operator can fix) ends the relay's session and the batch
 * is tried again, because the next try may succeed.
 */
final class Unsendable {

  private static final List<Class<? extends Throwable>> RECORD_ERRORS =
      List.of(
          RecordTooLargeException.class,
          RecordBatchTooLargeException.class,
          InvalidRecordException.class,
          SerializationException.class,
          InvalidTopicException.class);

  private Unsendable() {}

  /**
   * The error in the causes of {@code failure} that no retry can mend, or null when there is none.
   */
  static Throwable cause(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 10; t = t.getCause(), depth++) {
      for (Class<? extends Throwable> type : RECORD_ERRORS) {
        if (type.isInstance(t)) {
          return t;
        }
      }
    }
    return null;
  }
}
