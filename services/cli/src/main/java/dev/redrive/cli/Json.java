package dev.redrive.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading the services' JSON without tripping over missing or null members. */
final class Json {

  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  static JsonNode parse(String text) {
    return MAPPER.readTree(text);
  }

  /** A scalar as text; null when missing or JSON null; an object or array as compact JSON. */
  static String text(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    return node.isValueNode() ? node.asString() : node.toString();
  }

  /** {@link #text(JsonNode)} of a member, or {@code fallback} when it has none. */
  static String text(JsonNode node, String member, String fallback) {
    String value = text(node.path(member));
    return value == null ? fallback : value;
  }

  static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }
}
