package dev.redrive.audit.app;

import dev.redrive.contract.ErrorReport;
import dev.redrive.contract.FailedAttempt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The error report of an execution: the report of each failed attempt, oldest first, in the
 * reference {@code error.log} format ({@link ErrorReport}). A reporter's own report text is kept as
 * it is; an attempt reported without one (any system may publish {@code AttemptFailed}) gets a
 * report written from its fields.
 */
@Service
public class ExecutionReport {

  /** Events whose payload names how many attempts a phase has. */
  private static final Set<String> NAMING_MAX_ATTEMPTS =
      Set.of("RetryScheduled", "InterventionRequired", "RetryCommand", "RetryContextAssembled");

  private final AuditTrail trail;
  private final JsonMapper json;
  private final StreamLimits limits;

  public ExecutionReport(AuditTrail trail, JsonMapper json, StreamLimits limits) {
    this.trail = trail;
    this.json = json;
    this.limits = limits;
  }

  /**
   * The report of the first {@link StreamLimits#maxTimelineEvents()} events; empty when no attempt
   * of the execution failed (or the execution is unknown).
   */
  public Optional<String> of(String executionId) {
    Map<String, Integer> maxAttemptsByPhase = new HashMap<>();
    List<StoredEvent> failures = new ArrayList<>();
    for (StoredEvent stored : trail.timeline(executionId, limits.maxTimelineEvents())) {
      String type = stored.event().eventType();
      if (type.equals("AttemptFailed")) {
        failures.add(stored);
      } else if (NAMING_MAX_ATTEMPTS.contains(type)) {
        JsonNode payload = payload(stored);
        JsonNode about = payload.has("context") ? payload.path("context") : payload;
        if (about.path("maxAttempts").isNumber()) {
          maxAttemptsByPhase.put(about.path("phase").asString(), about.path("maxAttempts").asInt());
        }
      }
    }
    if (failures.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        ErrorReport.join(
            failures.stream().map(f -> report(executionId, f, maxAttemptsByPhase)).toList()));
  }

  /** The attempt's own report when it carried one, otherwise one written from its fields. */
  private String report(String executionId, StoredEvent stored, Map<String, Integer> maxAttempts) {
    JsonNode failed = payload(stored);
    String own = text(failed, "errorReport");
    if (own != null && !own.isBlank()) {
      return own;
    }
    return ErrorReport.format(failedAttempt(executionId, stored, failed, maxAttempts));
  }

  private static FailedAttempt failedAttempt(
      String executionId, StoredEvent stored, JsonNode failed, Map<String, Integer> maxAttempts) {
    String phase = text(failed, "phase");
    List<FailedAttempt.Check> checks = new ArrayList<>();
    failed
        .path("checks")
        .forEach(
            check ->
                checks.add(
                    new FailedAttempt.Check(
                        check.path("name").asString(), check.path("passed").asBoolean())));
    List<String> failedExitCriteria = new ArrayList<>();
    failed.path("failedExitCriteria").forEach(name -> failedExitCriteria.add(name.asString()));
    return new FailedAttempt(
        executionId,
        phase,
        failed.path("attemptNumber").asInt(),
        maxAttempts.get(phase),
        text(failed, "failureType"),
        text(failed, "errorType"),
        text(failed, "errorMessage"),
        failed.path("exitCode").isNumber() ? failed.path("exitCode").asInt() : null,
        text(failed, "logExcerpt"),
        checks,
        failedExitCriteria,
        text(failed, "artifactsLocation"),
        stored.event().occurredAt(),
        text(failed.path("attributes"), FailedAttempt.MISSING_OUTPUT_PHASE));
  }

  private JsonNode payload(StoredEvent stored) {
    JsonNode event = json.readTree(stored.event().payloadJson());
    JsonNode payload = event.path("payload");
    return payload.isObject() ? payload : event;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asString();
  }
}
