package dev.redrive.runner.web;

import dev.redrive.runner.app.AttemptDiff;
import dev.redrive.runner.app.DiffAttempts;
import dev.redrive.runner.app.InvalidDiffRequestException;
import dev.redrive.runner.app.NothingToCompareException;
import dev.redrive.runner.app.UnknownExecutionException;
import dev.redrive.support.limits.InputLimits;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/executions/{id}/phases/{phase}/diff?a=N&b=M}: two failed attempts of a phase
 * compared (a read: the read token, as every GET). Without {@code a} and {@code b}, the phase's
 * last two failed attempts; 400 naming the parameter when a number is out of range, not a number or
 * both are the same; 404 with what exists for an unknown execution, phase or attempt.
 */
@RestController
@RequestMapping("/api/v1")
class AttemptDiffController {

  private final DiffAttempts diffs;
  private final InputLimits limits;

  AttemptDiffController(DiffAttempts diffs, InputLimits limits) {
    this.diffs = diffs;
    this.limits = limits;
  }

  @GetMapping("/executions/{executionId}/phases/{phase}/diff")
  AttemptDiff.Result diff(
      @PathVariable String executionId,
      @PathVariable String phase,
      @RequestParam(required = false) String a,
      @RequestParam(required = false) String b) {
    limits.id("executionId", executionId);
    limits.name("phase", phase);
    return diffs.diff(executionId, phase, number("a", a), number("b", b));
  }

  /** A query parameter as an attempt number; null when absent or blank. */
  private static Integer number(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > 6 || !value.chars().allMatch(Character::isDigit)) {
      throw new InvalidDiffRequestException(
          "%s: must be an attempt number from 1 to %d"
              .formatted(name, DiffAttempts.MAX_ATTEMPT_NUMBER));
    }
    return Integer.parseInt(value);
  }

  @ExceptionHandler(InvalidDiffRequestException.class)
  ProblemDetail invalid(InvalidDiffRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid diff request", e.getMessage());
  }

  @ExceptionHandler(NothingToCompareException.class)
  ProblemDetail nothing(NothingToCompareException e) {
    ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "Nothing to compare", e.getMessage());
    problem.setProperty("failedAttempts", e.failedAttempts());
    return problem;
  }

  @ExceptionHandler(UnknownExecutionException.class)
  ProblemDetail unknownExecution(UnknownExecutionException e) {
    return problem(HttpStatus.NOT_FOUND, "Unknown execution", e.getMessage());
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return problem;
  }
}
