package dev.redrive.local.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The paths of the Confluent Schema Registry REST API that the local registry answers, on a {@link
 * SchemaStore}: register ({@code POST /subjects/{s}/versions}), look up ({@code POST
 * /subjects/{s}}), schema by id ({@code GET /schemas/ids/{id}}, {@code .../versions}, {@code
 * .../subjects}), subjects and versions ({@code GET /subjects}, {@code /subjects/{s}/versions},
 * {@code /subjects/{s}/versions/{v|latest}}), compatibility ({@code POST
 * /compatibility/subjects/{s}/versions/{v|latest}}, {@code GET /config}) and {@code GET
 * /schemas/types}. Query parameters (Confluent's clients send {@code normalize}, {@code
 * fetchMaxId}, {@code deleted}...) are ignored.
 */
final class RegistryApi {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  record Answer(int status, String body) {}

  private final SchemaStore store;

  RegistryApi(SchemaStore store) {
    this.store = store;
  }

  Answer answer(String method, String rawPath, String body) {
    String[] parts = rawPath.replaceAll("^/+|/+$", "").split("/");
    for (int i = 0; i < parts.length; i++) {
      parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
    }
    String first = parts[0];
    int n = parts.length;
    if (method.equals("GET")) {
      if (first.isEmpty()) {
        return ok(JSON.createObjectNode());
      }
      if (first.equals("subjects") && n == 1) {
        return ok(array(store.subjects()));
      }
      if (first.equals("subjects") && n == 3 && parts[2].equals("versions")) {
        return ok(array(store.versionNumbers(parts[1])));
      }
      if (first.equals("subjects") && n == 4 && parts[2].equals("versions")) {
        return ok(version(store.version(parts[1], parts[3])));
      }
      if (first.equals("schemas") && n >= 3 && parts[1].equals("ids")) {
        return schemaById(parts);
      }
      if (first.equals("schemas") && n == 2 && parts[1].equals("types")) {
        return ok(array(List.of("AVRO")));
      }
      if (first.equals("config") && n <= 2) {
        return ok(JSON.createObjectNode().put("compatibilityLevel", "BACKWARD"));
      }
    }
    if (method.equals("POST")) {
      if (first.equals("subjects") && n == 3 && parts[2].equals("versions")) {
        return ok(JSON.createObjectNode().put("id", store.register(parts[1], schema(body))));
      }
      if (first.equals("subjects") && n == 2) {
        return ok(version(store.lookup(parts[1], schema(body))));
      }
      if (first.equals("compatibility")
          && n == 5
          && parts[1].equals("subjects")
          && parts[3].equals("versions")) {
        boolean compatible = store.compatibleWith(parts[2], parts[4], schema(body));
        return ok(JSON.createObjectNode().put("is_compatible", compatible));
      }
    }
    if (!List.of("GET", "POST").contains(method)) {
      throw new RegistryError(
          405, 405, "HTTP 405 Method Not Allowed: the local registry answers GET and POST only");
    }
    throw new RegistryError(404, 404, "HTTP 404 Not Found");
  }

  private Answer schemaById(String[] parts) {
    if (!parts[2].matches("\\d{1,9}")) {
      throw RegistryError.schemaNotFound("Schema " + parts[2]);
    }
    int id = Integer.parseInt(parts[2]);
    if (parts.length == 3) {
      return ok(JSON.createObjectNode().put("schema", store.byId(id)));
    }
    if (parts.length == 4 && parts[3].equals("versions")) {
      ArrayNode versions = JSON.createArrayNode();
      store
          .versionsOf(id)
          .forEach(
              v ->
                  versions.add(
                      JSON.createObjectNode()
                          .put("subject", v.subject())
                          .put("version", v.version())));
      return ok(versions);
    }
    if (parts.length == 4 && parts[3].equals("subjects")) {
      return ok(array(store.versionsOf(id).stream().map(SchemaStore.Version::subject).toList()));
    }
    throw new RegistryError(404, 404, "HTTP 404 Not Found");
  }

  /** The schema of a register or look-up body: {@code {"schema": "...", "schemaType": "AVRO"}}. */
  private static String schema(String body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new RegistryError(422, 42201, "the body is not JSON: expected {\"schema\": \"...\"}");
    }
    if (node == null || !node.path("schema").isString()) {
      throw new RegistryError(422, 42201, "the body has no string field 'schema'");
    }
    String type = node.path("schemaType").asString("AVRO");
    if (!type.equals("AVRO")) {
      throw new RegistryError(
          422, 42201, "schemaType '" + type + "': the local registry keeps AVRO only");
    }
    JsonNode references = node.path("references");
    if (references.isArray() && !references.isEmpty()) {
      throw new RegistryError(
          422, 42201, "schema references are not supported by the local registry");
    }
    return node.get("schema").asString();
  }

  private static ObjectNode version(SchemaStore.Version version) {
    return JSON.createObjectNode()
        .put("subject", version.subject())
        .put("version", version.version())
        .put("id", version.id())
        .put("schema", version.schema());
  }

  private static ArrayNode array(List<?> values) {
    ArrayNode array = JSON.createArrayNode();
    for (Object value : values) {
      if (value instanceof Integer number) {
        array.add(number.intValue());
      } else {
        array.add(String.valueOf(value));
      }
    }
    return array;
  }

  private static Answer ok(JsonNode node) {
    return new Answer(200, node.toString());
  }

  static Answer error(RegistryError error) {
    return new Answer(
        error.status(),
        JSON.createObjectNode()
            .put("error_code", error.errorCode())
            .put("message", error.getMessage())
            .toString());
  }
}
