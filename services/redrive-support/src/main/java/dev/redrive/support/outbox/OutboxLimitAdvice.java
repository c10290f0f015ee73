package dev.redrive.support.outbox;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A request whose event would be too large for Kafka answers 413 naming the event, its size and the
 * limit; its transaction has rolled back, so nothing of it was stored.
 */
@RestControllerAdvice
public class OutboxLimitAdvice {

  @ExceptionHandler(OutboxMessageTooLargeException.class)
  ProblemDetail tooLarge(OutboxMessageTooLargeException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
    problem.setTitle("Event too large");
    problem.setProperty("eventType", e.eventType());
    problem.setProperty("bytes", e.bytes());
    problem.setProperty("limit", e.limit());
    return problem;
  }
}
