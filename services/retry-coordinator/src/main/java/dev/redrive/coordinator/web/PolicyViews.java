package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.coordinator.app.policy.PolicyConflictException;
import dev.redrive.coordinator.app.policy.PolicyStore;
import dev.redrive.coordinator.app.policy.ShowPolicies;
import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.ResolvedPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The JSON answers of the policy endpoints, and their problems. */
final class PolicyViews {

  private PolicyViews() {}

  /** A version: its number, who, why, when, from where, what changed; the document when asked. */
  static Map<String, Object> version(PolicyStore.Version version, boolean withDocument) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("version", version.version());
    if (withDocument) {
      view.put(
          "policy",
          PolicyDocument.of(PolicyDocument.toPolicySet(version.document(), version.version())));
    }
    view.put("origin", version.origin());
    view.put("changedBy", version.changedBy());
    view.put("reason", version.reason());
    view.put("summary", version.summary());
    view.put("changedAt", version.changedAt());
    return view;
  }

  static Map<String, Object> changed(ChangePolicies.Changed changed) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("changed", changed.changed());
    view.put("version", changed.version());
    view.put("summary", changed.summary());
    return view;
  }

  static Map<String, Object> executionPolicy(ShowPolicies.ExecutionPolicy policy) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("executionId", policy.executionId());
    view.put("override", policy.override().map(PolicyStore.ExecutionOverride::policy).orElse(null));
    policy
        .override()
        .ifPresent(
            o -> {
              view.put("version", o.version());
              view.put("changedBy", o.changedBy());
              view.put("reason", o.reason());
              view.put("changedAt", o.changedAt());
            });
    view.put("known", policy.execution() != null);
    if (policy.execution() != null) {
      view.put("pipeline", policy.execution().pipeline());
      view.put("source", policy.execution().source());
    }
    List<Map<String, Object>> phases = new ArrayList<>();
    for (ShowPolicies.PhasePolicy phase : policy.phases()) {
      ResolvedPolicy resolved = phase.resolved();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("phase", phase.phase());
      entry.put("policy", PolicyDocument.of(PolicyDocument.asOverride(resolved.policy())));
      entry.put("origins", new TreeMap<>(resolved.origins()));
      entry.put("policyVersion", resolved.version());
      phases.add(entry);
    }
    view.put("phases", phases);
    return view;
  }

  /**
   * 400 (413 for a document too large) naming the first field to change ({@code member} then its
   * path: {@code policy.pipelines.demo.phases.build.maxAttempts}) and listing every problem.
   */
  static ResponseEntity<ProblemDetail> invalid(InvalidPolicyException e, String member) {
    List<String> problems = e.problems().stream().map(p -> under(member, p)).toList();
    boolean tooLarge = e instanceof PolicyDocumentJson.TooLarge;
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            tooLarge ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST,
            String.join("; ", problems));
    problem.setTitle(tooLarge ? "Field too large" : "Invalid policy");
    if (tooLarge) {
      problem.setProperty("rule", "size");
    }
    String first = problems.get(0);
    problem.setProperty("field", first.substring(0, Math.max(0, first.indexOf(": "))));
    problem.setProperty("problems", problems);
    return answer(problem);
  }

  static ResponseEntity<ProblemDetail> conflict(PolicyConflictException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    problem.setTitle("Policy conflict");
    if (e.field() != null) {
      problem.setProperty("field", e.field());
    }
    return answer(problem);
  }

  private static String under(String member, String problem) {
    return problem.startsWith(member + ".")
            || problem.startsWith(member + ":")
            || problem.startsWith(member + "[")
        ? problem
        : member + "." + problem;
  }

  private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
