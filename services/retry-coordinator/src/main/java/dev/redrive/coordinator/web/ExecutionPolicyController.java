package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.coordinator.app.policy.PolicyConflictException;
import dev.redrive.coordinator.app.policy.ShowPolicies;
import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.RequestedBy;
import java.security.Principal;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A person's override of the retry policy of one execution, as Temporal's "update options": {@code
 * GET|PUT|DELETE /api/v1/executions/{executionId}/policy}. The fields it sets apply over every
 * other layer, to the execution's failures and to the retries people ask for.
 */
@RestController
@RequestMapping("/api/v1/executions/{executionId}/policy")
class ExecutionPolicyController {

  private final ShowPolicies show;
  private final ChangePolicies change;
  private final InputLimits limits;

  ExecutionPolicyController(ShowPolicies show, ChangePolicies change, InputLimits limits) {
    this.show = show;
    this.change = change;
    this.limits = limits;
  }

  /**
   * @param override the fields of one policy object to set (at least one)
   */
  record OverrideBody(JsonNode override, String reason, String requestedBy) {}

  record ClearBody(String reason, String requestedBy) {}

  @GetMapping
  Map<String, Object> show(@PathVariable String executionId) {
    return PolicyViews.executionPolicy(show.forExecution(executionId));
  }

  @PutMapping
  Map<String, Object> override(
      @PathVariable String executionId, @RequestBody OverrideBody body, Principal caller) {
    if (body.override() == null || body.override().isNull()) {
      throw new InvalidFieldException(
          "override", "override is required: the policy fields to set, e.g. {\"maxAttempts\": 5}");
    }
    PolicyController.requireReason(body.reason(), limits);
    limits.name("requestedBy", body.requestedBy());
    var override =
        PolicyDocument.toOverride(PolicyDocumentJson.tree(body.override(), "override"), "override");
    return PolicyViews.changed(
        change.override(
            executionId, override, RequestedBy.resolve(caller, body.requestedBy()), body.reason()));
  }

  @DeleteMapping
  ResponseEntity<Map<String, Object>> clear(
      @PathVariable String executionId, @RequestBody ClearBody body, Principal caller) {
    PolicyController.requireReason(body.reason(), limits);
    limits.name("requestedBy", body.requestedBy());
    return change
        .clear(executionId, RequestedBy.resolve(caller, body.requestedBy()), body.reason())
        .map(changed -> ResponseEntity.ok(PolicyViews.changed(changed)))
        .orElseGet(
            () ->
                ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(
                        Map.of(
                            "executionId",
                            executionId,
                            "detail",
                            "execution " + executionId + " has no policy override")));
  }

  @ExceptionHandler(InvalidPolicyException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidPolicyException e) {
    return PolicyViews.invalid(e, "override");
  }

  @ExceptionHandler(PolicyConflictException.class)
  ResponseEntity<ProblemDetail> conflict(PolicyConflictException e) {
    return PolicyViews.conflict(e);
  }
}
