package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A phase's own policy as a failure declared it, the way the coordinator's tables keep it ({@code
 * failure_decision.declared_policy}, {@code retry_context.declared_policy}): the policy document's
 * JSON, or null when the phase declared none.
 */
final class DeclaredPolicies {

  private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {};

  private DeclaredPolicies() {}

  /** The column's value: null for none (null or {@link PolicyOverride#NONE}). */
  static String json(JsonMapper json, PolicyOverride declared) {
    return declared == null || PolicyOverride.NONE.equals(declared)
        ? null
        : json.writeValueAsString(PolicyDocument.of(declared));
  }

  /** The declared policy of a column's value; {@link PolicyOverride#NONE} for none. */
  static PolicyOverride read(JsonMapper json, String stored) {
    return stored == null
        ? PolicyOverride.NONE
        : PolicyDocument.toOverride(json.readValue(stored, DOCUMENT), "declaredPolicy");
  }
}
