package dev.redrive.coordinator.web;

import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link PolicyDocument} in JSON: the policy document as a request body carries it (a set's current
 * policies, a proposed set for a what-if), bounded to {@link PolicyDocument#MAX_BYTES}.
 */
public final class PolicyDocumentJson {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};

  private PolicyDocumentJson() {}

  /** A document over {@link PolicyDocument#MAX_BYTES} (answered 413, as every value too large). */
  public static final class TooLarge extends InvalidPolicyException {
    TooLarge(List<String> problems) {
      super(problems);
    }
  }

  /**
   * The policy set a JSON document describes.
   *
   * @throws InvalidPolicyException naming the path of each problem (a document over 64 KiB, or not
   *     an object, is one)
   */
  public static PolicySet toPolicySet(JsonNode document, long version) {
    return PolicyDocument.toPolicySet(tree(document, "policy"), version);
  }

  /** One policy object (a per-execution override), naming its fields under {@code path}. */
  public static PolicyOverride toOverride(JsonNode policy, String path) {
    return PolicyDocument.toOverride(tree(policy, path), path);
  }

  /** The document of a policy set, as JSON. */
  public static ObjectNode of(PolicySet set) {
    return JSON.valueToTree(PolicyDocument.of(set));
  }

  /** One policy object, as JSON. */
  public static ObjectNode of(PolicyOverride override) {
    return JSON.valueToTree(PolicyDocument.of(override));
  }

  /**
   * The JSON object as the plain Java tree {@link PolicyDocument} reads, refused when it is not an
   * object or over {@link PolicyDocument#MAX_BYTES}.
   *
   * @param path the name of the object in messages (the request member: {@code policy})
   */
  public static Map<String, Object> tree(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidPolicyException(
          List.of(
              path
                  + ": must be a JSON object, was "
                  + (node == null
                      ? "missing"
                      : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT))));
    }
    int bytes = JSON.writeValueAsBytes(node).length;
    if (bytes > PolicyDocument.MAX_BYTES) {
      throw new TooLarge(
          List.of(
              "%s: at most %d bytes of JSON, was %d; use fewer or shorter names"
                  .formatted(path, PolicyDocument.MAX_BYTES, bytes)));
    }
    return JSON.convertValue(node, TREE);
  }
}
