package dev.redrive.support.outbox;

import dev.redrive.support.outbox.ParkedRows.ParkedRow;
import dev.redrive.support.outbox.ParkedRows.UnknownParkedRowException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The parked outbox rows of this service: {@code GET /api/v1/outbox/parked} lists them, {@code POST
 * /api/v1/outbox/parked/{id}/requeue} puts one back into the outbox (with the rows held behind it).
 * Under {@code /api/}, so the service's bearer-token check covers the POST.
 */
@RestController
@RequestMapping("/api/v1/outbox/parked")
public class ParkedOutboxController {

  private final ParkedRows parkedRows;

  public ParkedOutboxController(ParkedRows parkedRows) {
    this.parkedRows = parkedRows;
  }

  /** The parked rows, oldest first, and how many there are in all. */
  public record Listing(long total, List<ParkedRow> rows) {}

  /** The ids put back into the outbox, in the order they will be sent. */
  public record Requeued(long id, List<Long> requeued) {}

  @GetMapping
  public Listing list(@RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > ParkedRows.MAX_LIMIT) {
      throw new BadLimitException(
          "limit must be between 1 and " + ParkedRows.MAX_LIMIT + "; got " + limit);
    }
    return new Listing(parkedRows.count(), parkedRows.list(limit));
  }

  @PostMapping("/{id}/requeue")
  public Requeued requeue(@PathVariable long id) {
    return new Requeued(id, parkedRows.requeue(id));
  }

  @ExceptionHandler(UnknownParkedRowException.class)
  ProblemDetail unknown(UnknownParkedRowException e) {
    return problem(HttpStatus.NOT_FOUND, "Not parked", e.getMessage());
  }

  @ExceptionHandler(BadLimitException.class)
  ProblemDetail badLimit(BadLimitException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid parameter 'limit'", e.getMessage());
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return problem;
  }

  static final class BadLimitException extends RuntimeException {
    BadLimitException(String message) {
      super(message);
    }
  }
}
