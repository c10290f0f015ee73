package dev.redrive.coordinator.web;

import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.coordinator.persistence.CoordinatorStore.AttemptView;
import dev.redrive.coordinator.persistence.CoordinatorStore.ExecutionView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  private final CoordinatorStore store;
  private final JsonMapper json;

  ExecutionController(CoordinatorStore store, JsonMapper json) {
    this.store = store;
    this.json = json;
  }

  /** Status, current phase, last error, failure counts per phase and every attempt. */
  @GetMapping("/executions/{executionId}")
  Map<String, Object> execution(@PathVariable String executionId) {
    ExecutionView execution = find(executionId);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executionId", execution.executionId());
    body.put("pipeline", execution.pipeline());
    body.put("source", execution.source());
    body.put("status", execution.status());
    body.put("currentPhase", execution.currentPhase());
    body.put("lastError", execution.lastError());
    body.put("resubmittedFrom", execution.resubmittedFrom());
    body.put("failedAttemptsByPhase", store.counters(executionId));
    body.put("attempts", store.attempts(executionId));
    body.put("chain", chain(executionId, store.attempts(executionId)));
    body.put("createdAt", execution.createdAt());
    body.put("updatedAt", execution.updatedAt());
    return body;
  }

  @GetMapping("/executions/{executionId}/status")
  Map<String, Object> status(@PathVariable String executionId) {
    ExecutionView execution = find(executionId);
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
        store
            .attempt(attemptId)
            .orElseThrow(
                () -> notFound("attempt", attemptId, "check the id in the execution's attempts"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("attempt", attempt);
    if (context) {
      body.put(
          "context",
          attempt.commandId() == null
              ? null
              : store.contextJson(attempt.commandId()).map(this::parse).orElse(null));
    }
    return body;
  }

  /**
   * Which phases completed with what outputs, which failed and why, and what remains: what a person
   * needs when an execution pauses.
   */
  private List<Map<String, Object>> chain(String executionId, List<AttemptView> attempts) {
    Map<String, Map<String, String>> checkpoints = store.checkpoints(executionId);
    List<Map<String, Object>> chain = new ArrayList<>();
    for (String phase : store.phases(executionId)) {
      AttemptView last = null;
      for (AttemptView attempt : attempts) {
        if (attempt.phase().equals(phase)) {
          last = attempt;
        }
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("phase", phase);
      if (checkpoints.containsKey(phase)) {
        entry.put("state", "COMPLETED");
        entry.put("outputs", checkpoints.get(phase));
      } else if (last != null && last.outcome().equals("FAILED")) {
        entry.put("state", "FAILED");
        entry.put("lastError", last.failureType() + ": " + last.errorMessage());
      } else if (last != null && !last.outcome().equals("SUCCEEDED")) {
        entry.put("state", "RUNNING");
      } else if (last != null) {
        entry.put("state", "COMPLETED");
      } else {
        entry.put("state", "PENDING");
      }
      chain.add(entry);
    }
    return chain;
  }

  private JsonNode parse(String text) {
    return json.readTree(text);
  }

  private ExecutionView find(String executionId) {
    return store
        .execution(executionId)
        .orElseThrow(
            () ->
                notFound(
                    "execution",
                    executionId,
                    "the coordinator knows an execution once an attempt of it was reported"));
  }

  private static ErrorResponseException notFound(String what, String id, String hint) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.NOT_FOUND, "No %s '%s': %s.".formatted(what, id, hint));
    problem.setTitle(what.substring(0, 1).toUpperCase() + what.substring(1) + " not found");
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }
}
