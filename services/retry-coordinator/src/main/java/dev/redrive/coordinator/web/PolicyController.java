package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.coordinator.app.policy.PolicyConflictException;
import dev.redrive.coordinator.app.policy.PolicyStore;
import dev.redrive.coordinator.app.policy.ShowPolicies;
import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.RequestedBy;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The retry policy set as data: {@code GET /api/v1/policies} (the version in force and its
 * document), {@code GET /api/v1/policies/versions} (the history, newest first), {@code GET
 * /api/v1/policies/versions/{n}}, and {@code PUT /api/v1/policies} (a new version, in force at once
 * on every instance within its refresh interval).
 */
@RestController
@RequestMapping("/api/v1/policies")
class PolicyController {

  /** Most versions one page of the history lists. */
  static final int MAX_PAGE = 200;

  private final ShowPolicies show;
  private final ChangePolicies change;
  private final InputLimits limits;

  PolicyController(ShowPolicies show, ChangePolicies change, InputLimits limits) {
    this.show = show;
    this.change = change;
    this.limits = limits;
  }

  /**
   * @param policy the whole policy document (what {@code GET} answers in {@code policy})
   * @param expectedVersion the version the change was made to; refused (409) when another is in
   *     force by then
   */
  record PolicyBody(JsonNode policy, String reason, String requestedBy, Long expectedVersion) {}

  @GetMapping
  Map<String, Object> current() {
    return PolicyViews.version(show.current(), true);
  }

  @GetMapping("/versions")
  Map<String, Object> versions(
      @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) Long before) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InvalidFieldException(
          "limit", "limit must be 1-%d, was %d".formatted(MAX_PAGE, limit));
    }
    if (before != null && before < 1) {
      throw new InvalidFieldException(
          "before", "before must be a version (1 or more), was " + before);
    }
    List<PolicyStore.Version> page = show.history(before, limit);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("versions", page.stream().map(v -> PolicyViews.version(v, false)).toList());
    view.put(
        "next",
        page.size() == limit && page.get(page.size() - 1).version() > 1
            ? page.get(page.size() - 1).version()
            : null);
    return view;
  }

  @GetMapping("/versions/{version}")
  ResponseEntity<Map<String, Object>> version(@PathVariable long version) {
    return show.version(version)
        .map(v -> ResponseEntity.ok(PolicyViews.version(v, true)))
        .orElseGet(() -> ResponseEntity.notFound().build());
  }

  @PutMapping
  Map<String, Object> set(@RequestBody PolicyBody body, Principal caller) {
    if (body.policy() == null || body.policy().isNull()) {
      throw new InvalidFieldException(
          "policy",
          "policy is required: the whole policy document (GET /api/v1/policies shows it)");
    }
    requireReason(body.reason(), limits);
    limits.name("requestedBy", body.requestedBy());
    if (body.expectedVersion() != null && body.expectedVersion() < 0) {
      throw new InvalidFieldException(
          "expectedVersion",
          "expectedVersion must be a version (0 or more), was " + body.expectedVersion());
    }
    ChangePolicies.Changed changed =
        change.set(
            PolicyDocumentJson.tree(body.policy(), "policy"),
            body.expectedVersion(),
            RequestedBy.resolve(caller, body.requestedBy()),
            body.reason());
    return PolicyViews.changed(changed);
  }

  /** A reason is required (the audit keeps it) and bounded like every note. */
  static void requireReason(String reason, InputLimits limits) {
    if (reason == null || reason.isBlank()) {
      throw new InvalidFieldException(
          "reason", "reason is required: say why the policy changes; the audit trail keeps it");
    }
    limits.note("reason", reason);
  }

  @ExceptionHandler(InvalidPolicyException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidPolicyException e) {
    return PolicyViews.invalid(e, "policy");
  }

  @ExceptionHandler(PolicyConflictException.class)
  ResponseEntity<ProblemDetail> conflict(PolicyConflictException e) {
    return PolicyViews.conflict(e);
  }
}
