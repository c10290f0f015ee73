package dev.redrive.audit.app;

import dev.redrive.audit.domain.ErrorReport;
import dev.redrive.audit.domain.FailedAttempt;
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
 * reference {@code error.log} format.
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
        ErrorReport.of(failures.stream().map(f -> failedAttempt(f, maxAttemptsByPhase)).toList()));
  }

  private FailedAttempt failedAttempt(StoredEvent stored, Map<String, Integer> maxAttempts) {
    JsonNode failed = payload(stored);
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
        phase,
        failed.path("attemptNumber").asInt(),
        maxAttempts.get(phase),
        text(failed, "failureType"),
        text(failed, "errorType"),
        text(failed, "errorMessage"),
        text(failed, "logExcerpt"),
        checks,
        failedExitCriteria,
        text(failed, "artifactsLocation"),
        stored.event().occurredAt(),
        text(failed, "errorReport"));
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
