package dev.redrive.avro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** Collects the named types (records, enums, fixed) reachable from a schema. */
final class SchemaWalker {

  private SchemaWalker() {}

  static List<Schema> namedTypes(Schema root) {
    Map<String, Schema> seen = new LinkedHashMap<>();
    walk(root, seen);
    return new ArrayList<>(seen.values());
  }

  private static void walk(Schema schema, Map<String, Schema> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.putIfAbsent(schema.getFullName(), schema) == null) {
          schema.getFields().forEach(f -> walk(f.schema(), seen));
        }
      }
      case ENUM, FIXED -> seen.putIfAbsent(schema.getFullName(), schema);
      case ARRAY -> walk(schema.getElementType(), seen);
      case MAP -> walk(schema.getValueType(), seen);
      case UNION -> schema.getTypes().forEach(t -> walk(t, seen));
      default -> {}
    }
  }
}
