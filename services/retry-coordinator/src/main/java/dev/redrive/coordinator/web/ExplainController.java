package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.ExplainExecution;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Why an execution's retries went as they did: the last decision (policy and where each field came
 * from, counter, budget, delay computation, what would have changed it) and the next one.
 */
@RestController
@RequestMapping("/api/v1")
class ExplainController {

  private final ExplainExecution explain;

  ExplainController(ExplainExecution explain) {
    this.explain = explain;
  }

  @GetMapping("/executions/{executionId}/explain")
  ExplainExecution.Explanation explain(@PathVariable String executionId) {
    return explain
        .explain(executionId)
        .orElseThrow(() -> ExecutionController.executionNotFound(executionId));
  }
}
