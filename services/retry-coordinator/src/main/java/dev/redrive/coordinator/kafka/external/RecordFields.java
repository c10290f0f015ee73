package dev.redrive.coordinator.kafka.external;

import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import tools.jackson.databind.JsonNode;

/** Values of a decoded record by dot-separated field path ({@code order.id}). */
interface RecordFields {

  /** The value at the path as text; empty when any step of the path is missing or null. */
  Optional<String> text(String path);

  static RecordFields of(JsonNode root) {
    return path -> {
      JsonNode node = root;
      for (String step : path.split("\\.")) {
        node = node.path(step);
      }
      return node.isMissingNode() || node.isNull() || node.isContainer()
          ? Optional.empty()
          : Optional.of(node.asString());
    };
  }

  static RecordFields of(GenericRecord root) {
    return path -> {
      Object value = root;
      for (String step : path.split("\\.")) {
        if (value instanceof GenericRecord record && record.getSchema().getField(step) != null) {
          value = record.get(step);
        } else if (value instanceof Map<?, ?> map) {
          value =
              map.entrySet().stream()
                  .filter(e -> e.getKey().toString().equals(step))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElse(null);
        } else {
          return Optional.empty();
        }
      }
      return value == null ? Optional.empty() : Optional.of(value.toString());
    };
  }
}
