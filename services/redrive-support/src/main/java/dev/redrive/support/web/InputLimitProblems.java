package dev.redrive.support.web;

import dev.redrive.support.limits.EventLimits;
import dev.redrive.support.limits.FieldLimitException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a request field over its limit as an RFC 9457 problem: 413 for a value too large, 400 for
 * one malformed (an id outside its charset, too many entries). The detail names the field, the
 * limit and what to change; members {@code field} and {@code rule} say the same for programs.
 * Counted in {@code redrive.input.refused{via=rest}}, logged at INFO (the client's mistake, not the
 * service's).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InputLimitProblems {

  private static final Logger log = LoggerFactory.getLogger(InputLimitProblems.class);

  private final MeterRegistry meters;

  public InputLimitProblems(MeterRegistry meters) {
    this.meters = meters;
  }

  @ExceptionHandler(FieldLimitException.class)
  ResponseEntity<ProblemDetail> refused(FieldLimitException refused, HttpServletRequest request) {
    EventLimits.refused(meters, "rest", refused);
    // the request URI is logged as sent (still percent-encoded), the message never holds the value
    log.info(
        "refused {} {}: {}", request.getMethod(), request.getRequestURI(), refused.getMessage());
    HttpStatus status = refused.tooLarge() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, refused.getMessage());
    problem.setTitle(refused.tooLarge() ? "Field too large" : "Field not accepted");
    problem.setType(URI.create("https://redrive.dev/problems/input-limit"));
    problem.setProperty("field", refused.field());
    problem.setProperty("rule", refused.rule());
    return ResponseEntity.status(status).body(problem);
  }
}
