package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.BulkRetry;
import dev.redrive.coordinator.app.RequestRetry;
import dev.redrive.coordinator.app.RetryAnswer;
import dev.redrive.coordinator.app.RetryRequest;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.RequestedBy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Retry requests over REST: the same use case as a RetryRequested event on redrive.requests.
 * Refusals are RFC 9457 problem details: 409 not in failed status, 400 unknown phase, 404 unknown
 * execution; a field over its {@link InputLimits} 413 (too large) or 400 (malformed), before
 * anything is stored or published.
 */
@RestController
@RequestMapping("/api/v1")
class RetryController {

  private final RequestRetry requestRetry;
  private final BulkRetry bulkRetry;
  private final InputLimits limits;

  RetryController(RequestRetry requestRetry, BulkRetry bulkRetry, InputLimits limits) {
    this.requestRetry = requestRetry;
    this.bulkRetry = bulkRetry;
    this.limits = limits;
  }

  /** The body of a retry request; every member is optional. */
  record RetryBody(
      String requestId,
      Mode mode,
      Boolean force,
      Boolean resetCount,
      String fromPhase,
      String note,
      Boolean dryRun,
      String requestedBy) {}

  /** How to retry. */
  enum Mode {
    RETRY_IN_PLACE,
    RESUBMIT_AS_NEW
  }

  @PostMapping("/executions/{executionId}/retry")
  ResponseEntity<?> retry(
      @PathVariable String executionId,
      @RequestBody(required = false) RetryBody body,
      Principal caller) {
    RetryBody request =
        body != null ? body : new RetryBody(null, null, null, null, null, null, null, null);
    limits.id("requestId", blankToNull(request.requestId()));
    limits.name("fromPhase", request.fromPhase());
    limits.note("note", request.note());
    limits.name("requestedBy", request.requestedBy());
    RetryAnswer answer =
        requestRetry.request(
            new RetryRequest(
                request.requestId(),
                executionId,
                request.mode() == Mode.RESUBMIT_AS_NEW,
                Boolean.TRUE.equals(request.force()),
                Boolean.TRUE.equals(request.resetCount()),
                blankToNull(request.fromPhase()),
                request.note(),
                Boolean.TRUE.equals(request.dryRun()),
                requestedBy(caller, request.requestedBy()),
                null));
    return switch (answer.result()) {
      case ACCEPTED -> ResponseEntity.status(HttpStatus.ACCEPTED).body(accepted(answer));
      case DRY_RUN -> ResponseEntity.ok(dryRun(answer));
      case NOT_FOUND -> problem(HttpStatus.NOT_FOUND, "Execution not found", answer);
      case NOT_FAILED -> problem(HttpStatus.CONFLICT, "Cannot retry", answer);
      case UNKNOWN_PHASE -> problem(HttpStatus.BAD_REQUEST, "Unknown phase", answer);
      case NOT_RESUBMITTABLE -> problem(HttpStatus.BAD_REQUEST, "Cannot resubmit", answer);
      case NOT_RUNNABLE -> problem(HttpStatus.CONFLICT, "Cannot retry now", answer);
    };
  }

  /** A bulk retry's query and pacing; every member is optional. */
  record BulkBody(
      String pipeline,
      String phase,
      String failureType,
      Instant from,
      Instant to,
      @Min(1) @Max(10_000) Integer limit,
      Duration stagger,
      String note,
      String requestedBy,
      Boolean dryRun) {}

  @PostMapping("/retries")
  ResponseEntity<BulkRetry.Result> bulk(@Valid @RequestBody BulkBody body, Principal caller) {
    limits.name("pipeline", body.pipeline());
    limits.name("phase", body.phase());
    limits.name("failureType", body.failureType());
    limits.note("note", body.note());
    limits.name("requestedBy", body.requestedBy());
    int limit = body.limit() == null ? 100 : body.limit();
    Duration stagger = body.stagger() == null ? Duration.ofSeconds(1) : body.stagger();
    // refused before the first retry runs: a stagger that overflows would fail half-way
    String spread = BulkRetry.spreadProblem(stagger, limit);
    if (spread != null) {
      throw new InvalidFieldException("stagger", spread);
    }
    BulkRetry.Result result =
        bulkRetry.retryPaused(
            new BulkRetry.Query(
                blankToNull(body.pipeline()),
                blankToNull(body.phase()),
                blankToNull(body.failureType()) == null
                    ? null
                    : EnumValues.oneOf("failureType", body.failureType(), FailureType.class).name(),
                body.from(),
                body.to(),
                limit,
                stagger,
                body.note(),
                requestedBy(caller, body.requestedBy()),
                Boolean.TRUE.equals(body.dryRun())));
    return ResponseEntity.status(
            Boolean.TRUE.equals(body.dryRun()) ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(result);
  }

  private static Map<String, Object> accepted(RetryAnswer answer) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", answer.requestId());
    body.put("executionId", answer.executionId());
    if (answer.originalExecutionId() != null) {
      body.put("originalExecutionId", answer.originalExecutionId());
    }
    body.put("mode", answer.mode());
    body.put("phase", answer.phase());
    body.put("status", "queued");
    body.put("forced", answer.forced());
    body.put("countReset", answer.countReset());
    body.put("message", answer.message());
    return body;
  }

  private static Map<String, Object> dryRun(RetryAnswer answer) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dryRun", true);
    body.put("executionId", answer.executionId());
    body.put("mode", answer.mode());
    body.put("phasesToRun", answer.phasesToRun());
    body.put("wouldResetCount", answer.countReset());
    body.put("currentStatus", answer.currentStatus());
    body.put("message", answer.message());
    return body;
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String title, RetryAnswer answer) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, answer.message());
    problem.setTitle(title);
    problem.setType(
        URI.create(
            "https://redrive.dev/problems/"
                + answer.result().name().toLowerCase().replace('_', '-')));
    problem.setProperty("requestId", answer.requestId());
    problem.setProperty("executionId", answer.executionId());
    problem.setProperty("currentStatus", answer.currentStatus());
    if (!answer.validPhases().isEmpty()) {
      problem.setProperty("validPhases", answer.validPhases());
    }
    return ResponseEntity.status(status).body(problem);
  }

  /** The named token's user, else the body's requestedBy, else "api". */
  private static String requestedBy(Principal caller, String fromBody) {
    String who = RequestedBy.resolve(caller, fromBody);
    return who == null ? "api" : who;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
