package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.AttemptView;
import dev.redrive.coordinator.app.ExecutionView;
import dev.redrive.coordinator.app.PauseRetries;
import dev.redrive.coordinator.app.ShowExecution;
import dev.redrive.coordinator.app.ShowExecution.PhaseState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Read side of the coordinator: executions, their attempts, and the context each retry carried. */
@RestController
@RequestMapping("/api/v1")
class ExecutionController {

  private final ShowExecution show;
  private final PauseRetries pauses;
  private final JsonMapper json;

  ExecutionController(ShowExecution show, PauseRetries pauses, JsonMapper json) {
    this.show = show;
    this.pauses = pauses;
    this.json = json;
  }

  /** Status, current phase, last error, failure counts per phase and every attempt. */
  @GetMapping("/executions/{executionId}")
  Map<String, Object> execution(@PathVariable String executionId) {
    ShowExecution.Details details =
        show.details(executionId).orElseThrow(() -> executionNotFound(executionId));
    ExecutionView execution = details.execution();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executionId", execution.executionId());
    body.put("pipeline", execution.pipeline());
    body.put("source", execution.source());
    body.put("status", execution.status());
    body.put("currentPhase", execution.currentPhase());
    body.put("lastError", execution.lastError());
    body.put("resubmittedFrom", execution.resubmittedFrom());
    body.put("failedAttemptsByPhase", details.failedAttemptsByPhase());
    body.put("attempts", details.attempts());
    body.put("chain", details.chain().stream().map(ExecutionController::link).toList());
    body.put(
        "retriesPaused",
        pauses
            .pausesCovering(execution.pipeline(), execution.currentPhase(), execution.executionId())
            .stream()
            .map(PauseController::view)
            .toList());
    body.put("createdAt", execution.createdAt());
    body.put("updatedAt", execution.updatedAt());
    return body;
  }

  @GetMapping("/executions/{executionId}/status")
  Map<String, Object> status(@PathVariable String executionId) {
    ExecutionView execution =
        show.execution(executionId).orElseThrow(() -> executionNotFound(executionId));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executionId", execution.executionId());
    body.put("status", execution.status());
    body.put("currentPhase", execution.currentPhase());
    body.put("lastError", execution.lastError());
    return body;
  }

  /** One attempt; with {@code context=true}, the retry context it was given. */
  @GetMapping("/attempts/{attemptId}")
  Map<String, Object> attempt(
      @PathVariable String attemptId, @RequestParam(defaultValue = "false") boolean context) {
    AttemptView attempt =
        show.attempt(attemptId)
            .orElseThrow(
                () -> notFound("attempt", attemptId, "check the id in the execution's attempts"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("attempt", attempt);
    if (context) {
      body.put(
          "context",
          attempt.commandId() == null
              ? null
              : show.context(attempt.commandId()).map(this::parse).orElse(null));
    }
    return body;
  }

  /** One phase of the chain: outputs for a checkpoint, the last error for a failure. */
  private static Map<String, Object> link(PhaseState phase) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("phase", phase.phase());
    entry.put("state", phase.state());
    if (phase.outputs() != null) {
      entry.put("outputs", phase.outputs());
    }
    if (phase.lastError() != null) {
      entry.put("lastError", phase.lastError());
    }
    return entry;
  }

  private JsonNode parse(String text) {
    return json.readTree(text);
  }

  static ErrorResponseException executionNotFound(String executionId) {
    return notFound(
        "execution",
        executionId,
        "the coordinator knows an execution once an attempt of it was reported");
  }

  private static ErrorResponseException notFound(String what, String id, String hint) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.NOT_FOUND, "No %s '%s': %s.".formatted(what, id, hint));
    problem.setTitle(what.substring(0, 1).toUpperCase() + what.substring(1) + " not found");
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }
}
