package dev.redrive.runner.web;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.app.CancelExecution;
import dev.redrive.runner.app.ExecutionConflictException;
import dev.redrive.runner.app.ExecutionEndedException;
import dev.redrive.runner.app.ExecutionView;
import dev.redrive.runner.app.ExecutionViews;
import dev.redrive.runner.app.InvalidStartException;
import dev.redrive.runner.app.PipelineNoLongerDefinedException;
import dev.redrive.runner.app.Pipelines;
import dev.redrive.runner.app.RollBackToPhase;
import dev.redrive.runner.app.RollBackToPhase.RollbackRequest;
import dev.redrive.runner.app.RollBackToPhase.RollbackResult;
import dev.redrive.runner.app.StartExecution;
import dev.redrive.runner.app.StartExecution.StartRequest;
import dev.redrive.runner.app.UnknownExecutionException;
import dev.redrive.runner.app.UnknownPhaseException;
import dev.redrive.runner.app.UnknownPipelineException;
import dev.redrive.runner.domain.Phase;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.RequestedBy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.security.Principal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Pipelines and executions as the runner sees them: start an execution, show its phases, resume it
 * (the same code path as a Rollback command) or cancel it (the same as a Cancel command). Every
 * field is checked against the {@link InputLimits} before anything is stored: a value over its
 * limit is answered 413, a malformed one 400, naming the field.
 */
@RestController
@RequestMapping("/api/v1")
class ExecutionController {

  private final StartExecution starts;
  private final RollBackToPhase rollBacks;
  private final CancelExecution cancels;
  private final ExecutionViews views;
  private final Pipelines catalog;
  private final InputLimits limits;

  ExecutionController(
      StartExecution starts,
      RollBackToPhase rollBacks,
      CancelExecution cancels,
      ExecutionViews views,
      Pipelines catalog,
      InputLimits limits) {
    this.starts = starts;
    this.rollBacks = rollBacks;
    this.cancels = cancels;
    this.views = views;
    this.catalog = catalog;
    this.limits = limits;
  }

  /**
   * @param inputFiles files for the execution's {@code input/} folder: name (relative to it) to
   *     base64 content
   */
  record StartBody(
      @NotBlank String pipeline, Map<String, String> parameters, Map<String, String> inputFiles) {}

  record Started(String executionId, String pipeline, String status) {}

  /** Every member optional; {@code requestId} is the idempotency key (generated when absent). */
  record ResumeBody(String fromPhase, String note, String requestedBy, String requestId) {}

  record Resumed(
      String requestId,
      String executionId,
      String phase,
      int attemptNumber,
      List<String> clearedPhases,
      String archive,
      String status,
      String message) {}

  record CancelBody(String reason, String requestedBy, String requestId) {}

  record Cancelled(String requestId, String executionId, String status) {}

  @GetMapping("/pipelines")
  List<Map<String, Object>> pipelines() {
    return catalog.all().stream()
        .map(
            p ->
                Map.<String, Object>of(
                    "name", p.name(),
                    "file", p.file(),
                    "phases", p.phases().stream().map(Phase::name).toList()))
        .toList();
  }

  @PostMapping("/executions")
  @ResponseStatus(HttpStatus.CREATED)
  Started start(@Valid @RequestBody StartBody body, Principal caller) {
    limits.name("pipeline", body.pipeline());
    limits.parameters("parameters", body.parameters());
    Map<String, byte[]> files = inputFiles(body.inputFiles());
    String id =
        starts.start(
            new StartRequest(
                body.pipeline(),
                body.parameters(),
                files,
                null,
                null,
                null,
                RequestedBy.resolve(caller, null)));
    return new Started(id, body.pipeline(), ExecutionStatus.RUNNING.name());
  }

  @GetMapping("/executions/{executionId}/phases")
  ExecutionView phases(@PathVariable String executionId) {
    return views
        .view(executionId)
        .orElseThrow(
            () ->
                new UnknownExecutionException(
                    "No execution '%s' on this runner.".formatted(executionId)));
  }

  /**
   * Resumes at {@code fromPhase}, or at the first phase that is not complete: its inputs are
   * restored to their checkpoints, it and every later phase are archived and cleared, and it runs
   * again.
   */
  @PostMapping("/executions/{executionId}/resume")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Resumed resume(
      @PathVariable String executionId,
      @RequestBody(required = false) ResumeBody body,
      Principal caller) {
    ResumeBody request = body == null ? new ResumeBody(null, null, null, null) : body;
    limits.name("fromPhase", request.fromPhase());
    limits.note("note", request.note());
    limits.name("requestedBy", request.requestedBy());
    limits.id("requestId", blankToNull(request.requestId()));
    String requestId =
        request.requestId() == null || request.requestId().isBlank()
            ? TimeOrderedIds.uuid()
            : request.requestId();
    RollbackResult result =
        rollBacks.rollback(
            new RollbackRequest(
                executionId,
                request.fromPhase(),
                request.note(),
                RequestedBy.resolve(caller, request.requestedBy()),
                requestId));
    if (result == null) {
      throw new ExecutionConflictException(
          "request %s was handled before, but not as a resume".formatted(requestId));
    }
    var rollback = result.rollback();
    return new Resumed(
        requestId,
        rollback.executionId(),
        rollback.toPhase(),
        result.repeated() ? 0 : result.attemptNumber(),
        rollback.clearedPhases(),
        rollback.archive(),
        "queued",
        "Resumed %s from phase %s".formatted(rollback.executionId(), rollback.toPhase()));
  }

  @PostMapping("/executions/{executionId}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Cancelled cancel(
      @PathVariable String executionId,
      @RequestBody(required = false) CancelBody body,
      Principal caller) {
    CancelBody request = body == null ? new CancelBody(null, null, null) : body;
    limits.note("reason", request.reason());
    limits.name("requestedBy", request.requestedBy());
    limits.id("requestId", blankToNull(request.requestId()));
    String requestedBy = RequestedBy.resolve(caller, request.requestedBy());
    String requestId =
        request.requestId() == null || request.requestId().isBlank()
            ? TimeOrderedIds.uuid()
            : request.requestId();
    String reason =
        request.reason() == null || request.reason().isBlank()
            ? "cancelled by " + (requestedBy == null ? "a person" : requestedBy)
            : request.reason();
    CancelExecution.Result result = cancels.cancel(executionId, reason, requestedBy, requestId);
    if (result.outcome() == CancelExecution.Outcome.ENDED_BEFORE) {
      throw new ExecutionEndedException(executionId, result.status());
    }
    return new Cancelled(requestId, executionId, ExecutionStatus.CANCELLED.name());
  }

  /** The decoded input files, each and all of them within the limits. */
  private Map<String, byte[]> inputFiles(Map<String, String> encoded) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (encoded == null) {
      return files;
    }
    limits.count(
        "inputFiles", encoded.size(), limits.maxInputFiles(), InputLimits.INPUT_FILES_SETTING);
    long total = 0;
    int index = 0;
    for (Map.Entry<String, String> file : encoded.entrySet()) {
      limits.name("inputFiles[%d] name".formatted(index++), file.getKey());
      String field = "inputFiles." + file.getKey();
      String base64 = file.getValue() == null ? "" : file.getValue();
      // measured before decoding, so an oversized file is refused without being decoded
      long size = decodedSize(base64);
      limits.total(field, size, limits.maxInputFileBytes(), InputLimits.INPUT_FILE_SETTING);
      total += size;
      limits.total("inputFiles", total, limits.maxInputBytes(), InputLimits.INPUT_SETTING);
      files.put(file.getKey(), decode(file.getKey(), base64));
    }
    return files;
  }

  /** The bytes a base64 text decodes to (exact for valid base64, which has no line breaks). */
  private static long decodedSize(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return (long) (base64.length() - padding) * 3 / 4;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static byte[] decode(String name, String base64) {
    try {
      return Base64.getDecoder().decode(base64 == null ? "" : base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidStartException(
          "input file '%s' is not valid base64: %s".formatted(name, e.getMessage()));
    }
  }

  @ExceptionHandler(UnknownPipelineException.class)
  ProblemDetail unknownPipeline(UnknownPipelineException e) {
    return problem(HttpStatus.BAD_REQUEST, "Unknown pipeline", e.getMessage());
  }

  @ExceptionHandler(InvalidStartException.class)
  ProblemDetail invalidStart(InvalidStartException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid start request", e.getMessage());
  }

  @ExceptionHandler(UnknownPhaseException.class)
  ProblemDetail unknownPhase(UnknownPhaseException e) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Unknown phase", e.getMessage());
    problem.setProperty("validPhases", e.validPhases());
    return problem;
  }

  @ExceptionHandler(UnknownExecutionException.class)
  ProblemDetail unknownExecution(UnknownExecutionException e) {
    return problem(HttpStatus.NOT_FOUND, "Unknown execution", e.getMessage());
  }

  /** A resume of an execution whose pipeline file was removed since it started: 409, not 500. */
  @ExceptionHandler(PipelineNoLongerDefinedException.class)
  ProblemDetail pipelineGone(PipelineNoLongerDefinedException e) {
    return problem(
        HttpStatus.CONFLICT,
        "Pipeline no longer defined",
        e.getMessage() + ": put its pipeline file back, or resubmit the work as a new execution");
  }

  /** A cancel of an execution that has ended: 409 with its status, since nothing was cancelled. */
  @ExceptionHandler(ExecutionEndedException.class)
  ProblemDetail ended(ExecutionEndedException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "Nothing to cancel", e.getMessage());
    problem.setProperty("currentStatus", e.status().name());
    return problem;
  }

  @ExceptionHandler(ExecutionConflictException.class)
  ProblemDetail conflict(ExecutionConflictException e) {
    return problem(HttpStatus.CONFLICT, "Not possible now", e.getMessage());
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return problem;
  }
}
