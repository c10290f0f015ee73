package dev.redrive.support.kafka;

import java.util.List;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExceptionMatcher;
import org.springframework.util.backoff.BackOff;

/**
 * The error handler of every Redrive listener. A record whose handler failed is retried with {@code
 * perRecord}, then sent to its dead-letter topic; a record that did not decode or is invalid
 * ({@link InvalidEventException}) goes there at once. A record that failed because a dependency is
 * down ({@link Outages}: the database, the schema registry) is not at fault: it is retried with
 * {@code duringOutage} for as long as the outage lasts and never dead-lettered, even when the
 * failure surfaced as a decoding error.
 */
public class RedriveErrorHandler extends DefaultErrorHandler {

  public RedriveErrorHandler(
      ConsumerRecordRecoverer deadLetters, BackOff perRecord, BackOff duringOutage) {
    super(deadLetters, perRecord);
    addNotRetryableExceptions(InvalidEventException.class);
    setBackOffFunction((record, exception) -> Outages.isOutage(exception) ? duringOutage : null);
    // DeadLetterRouting logs each dead-lettered record; a retried one is worth a warning, no more
    setLogLevel(KafkaException.Level.WARN);
  }

  @Override
  protected ExceptionMatcher getExceptionMatcher() {
    ExceptionMatcher configured = super.getExceptionMatcher();
    return new ExceptionMatcher(List.of(), true) {
      @Override
      public boolean match(Throwable exception) {
        return Outages.isOutage(exception) || configured.match(exception);
      }
    };
  }
}
