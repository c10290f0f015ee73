package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.PauseRetries;
import dev.redrive.coordinator.app.RetryHolds;
import dev.redrive.coordinator.domain.PauseScope;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import dev.redrive.support.web.RequestedBy;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Pauses of retries: {@code GET /api/v1/pauses} lists them, {@code POST /api/v1/pauses} pauses a
 * scope (everything, a pipeline, a phase of a pipeline, or an execution) and {@code POST
 * /api/v1/pauses/release} ends a pause, sending what it held in order, optionally staggered.
 */
@RestController
@RequestMapping("/api/v1/pauses")
class PauseController {

  /** The longest stagger between two released commands. */
  static final Duration MAX_STAGGER = Duration.ofHours(1);

  private final PauseRetries pauses;
  private final InputLimits limits;

  PauseController(PauseRetries pauses, InputLimits limits) {
    this.pauses = pauses;
    this.limits = limits;
  }

  /**
   * Which retries: exactly one of {@code all}, {@code pipeline} (with or without a phase), or an
   * execution.
   */
  record PauseBody(
      Boolean all,
      String pipeline,
      String phase,
      String executionId,
      String reason,
      String requestedBy) {}

  record ReleaseBody(
      Boolean all,
      String pipeline,
      String phase,
      String executionId,
      Duration stagger,
      String note,
      String requestedBy) {}

  @GetMapping
  List<Map<String, Object>> list() {
    return pauses.pauses().stream().map(PauseController::view).toList();
  }

  @PostMapping
  ResponseEntity<Map<String, Object>> pause(@RequestBody PauseBody body, Principal caller) {
    PauseScope scope = scope(body.all(), body.pipeline(), body.phase(), body.executionId());
    if (body.reason() == null || body.reason().isBlank()) {
      throw new InvalidFieldException(
          "reason", "say why the retries are paused; the audit trail keeps it");
    }
    limits.note("reason", body.reason());
    limits.name("requestedBy", body.requestedBy());
    PauseRetries.Paused paused =
        pauses.pause(scope, body.reason(), RequestedBy.resolve(caller, body.requestedBy()));
    Map<String, Object> answer = view(paused.pause());
    answer.put(
        "message",
        paused.started()
            ? "Paused " + scope.describe()
            : "Already paused: " + scope.describe() + " (the first pause stays as it was)");
    return ResponseEntity.status(paused.started() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(answer);
  }

  @PostMapping("/release")
  ResponseEntity<?> release(@RequestBody ReleaseBody body, Principal caller) {
    PauseScope scope = scope(body.all(), body.pipeline(), body.phase(), body.executionId());
    Duration stagger = body.stagger() == null ? Duration.ZERO : body.stagger();
    if (stagger.isNegative() || stagger.compareTo(MAX_STAGGER) > 0) {
      throw new InvalidFieldException("stagger", "must be from PT0S to PT1H, was " + stagger);
    }
    limits.note("note", body.note());
    limits.name("requestedBy", body.requestedBy());
    Optional<Long> released =
        pauses.unpause(
            scope, stagger, RequestedBy.resolve(caller, body.requestedBy()), body.note());
    if (released.isEmpty()) {
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.NOT_FOUND,
              "%s are not paused; GET /api/v1/pauses lists the pauses in force"
                  .formatted(capitalized(scope.describe())));
      problem.setTitle("Not paused");
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("scope", scopeView(scope));
    answer.put("releasedCommands", released.get());
    answer.put("stagger", stagger);
    answer.put(
        "message",
        "Unpaused %s: %d held commands are sent in order%s"
            .formatted(
                scope.describe(),
                released.get(),
                stagger.isZero() ? "" : ", " + stagger.toMillis() + " ms apart"));
    return ResponseEntity.ok(answer);
  }

  /** The one scope the body names, or a 400 that says how to name one. */
  private PauseScope scope(Boolean all, String pipeline, String phase, String executionId) {
    limits.name("pipeline", pipeline);
    limits.name("phase", phase);
    limits.id("executionId", blank(executionId) ? null : executionId);
    boolean everything = Boolean.TRUE.equals(all);
    int named = (everything ? 1 : 0) + (blank(pipeline) ? 0 : 1) + (blank(executionId) ? 0 : 1);
    if (named != 1) {
      throw new InvalidFieldException(
          "scope",
          "name exactly one of: \"all\": true, \"pipeline\" (with \"phase\" for one phase of it),"
              + " or \"executionId\"");
    }
    if (!blank(phase) && blank(pipeline)) {
      throw new InvalidFieldException(
          "phase", "a phase is paused within a pipeline: add \"pipeline\"");
    }
    if (everything) {
      return PauseScope.all();
    }
    if (!blank(executionId)) {
      return PauseScope.execution(executionId.strip());
    }
    return blank(phase)
        ? PauseScope.pipeline(pipeline.strip())
        : PauseScope.phase(pipeline.strip(), phase.strip());
  }

  static Map<String, Object> view(RetryHolds.Pause pause) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("scope", scopeView(pause.scope()));
    view.put("description", pause.scope().describe());
    view.put("reason", pause.reason());
    view.put("requestedBy", pause.requestedBy());
    view.put("since", pause.since());
    view.put("heldCommands", pause.heldCommands());
    return view;
  }

  private static Map<String, Object> scopeView(PauseScope scope) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("kind", scope.kind());
    view.put("pipeline", scope.pipeline());
    view.put("phase", scope.phase());
    view.put("executionId", scope.executionId());
    return view;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
