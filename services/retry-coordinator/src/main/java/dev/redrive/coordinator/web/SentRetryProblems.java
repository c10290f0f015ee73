package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.SentRetries;
import dev.redrive.support.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A retry's context or why that cannot be read back from its messages as sent: 503 while the schema
 * registry does not answer (ask again once it does), 500 for a damaged row. Either says what went
 * wrong; the request changed nothing.
 */
@RestControllerAdvice
class SentRetryProblems {

  private static final Logger log = LoggerFactory.getLogger(SentRetryProblems.class);

  @ExceptionHandler(SentRetries.UnreadableException.class)
  ProblemDetail unreadable(SentRetries.UnreadableException e) {
    HttpStatus status;
    if (e.registryUnavailable()) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      log.warn("{}", LogText.escape(e.getMessage()));
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      log.error("{}", LogText.escape(e.getMessage()));
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    problem.setTitle("Retry not readable");
    return problem;
  }
}
