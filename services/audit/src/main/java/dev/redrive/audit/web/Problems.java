package dev.redrive.audit.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** RFC 9457 problem details the audit answers with. */
final class Problems {

  private Problems() {}

  static ErrorResponseException notFound(String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
    problem.setTitle(title);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }
}
