package dev.redrive.local.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local schema registry's schemas, kept in one file of the data folder so that the schema ids
 * written into the Kafka log before a restart still resolve after it.
 *
 * <p>The file has one JSON line per registration ({@code {"subject", "id", "schema"}}), appended
 * and forced to disk before the registration is answered; at start the lines are read again in
 * order. A schema has one id whatever subject it is registered under (as in Confluent's registry:
 * the same schema, whitespace aside, gets the same id); registering it again under the same subject
 * returns that id and makes no new version. A new version of a subject must be BACKWARD compatible
 * with its latest one (Confluent's default): a reader of the new schema can read data written with
 * the latest.
 */
public final class SchemaStore {

  /** Most schemas the store keeps; one more is refused (422), so the file stays bounded. */
  public static final int MAX_SCHEMAS = 10_000;

  /** Longest subject name. */
  public static final int MAX_SUBJECT_CHARS = 255;

  private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One version of a subject. */
  public record Version(String subject, int version, int id, String schema) {}

  private final Path file;
  private final int maxSchemas;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new TreeMap<>();
  private int nextId = 1;

  private SchemaStore(Path file, int maxSchemas) {
    this.file = file;
    this.maxSchemas = maxSchemas;
  }

  /** Opens the store kept in {@code file}, reading what earlier runs registered. */
  public static SchemaStore open(Path file) {
    return open(file, MAX_SCHEMAS);
  }

  /** As {@link #open(Path)}, keeping at most {@code maxSchemas} schemas. */
  static SchemaStore open(Path file, int maxSchemas) {
    SchemaStore store = new SchemaStore(file, maxSchemas);
    if (Files.exists(file)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the schema registry's file " + file, e);
      }
      for (int i = 0; i < lines.size(); i++) {
        store.replay(lines.get(i), i + 1);
      }
    }
    return store;
  }

  private void replay(String line, int number) {
    if (line.isBlank()) {
      return;
    }
    try {
      JsonNode node = JSON.readTree(line);
      int id = node.get("id").asInt();
      String schema = node.get("schema").asString();
      String known = schemasById.get(id);
      if (known != null && !known.equals(schema)) {
        log.warn("{}:{}: schema id {} is registered twice; keeping the first", file, number, id);
        return;
      }
      remember(node.get("subject").asString(), id, schema);
    } catch (JacksonException | NullPointerException e) {
      // a line cut short by a crash while it was written: it was never answered, so nobody uses it
      log.warn("{}:{}: not a registration, skipped", file, number);
    }
  }

  /**
   * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}).
   *
   * @return its id
   * @throws RegistryError 422 for an invalid schema or subject or a full store, 409 for a schema
   *     not BACKWARD compatible with the subject's latest version
   */
  public synchronized int register(String subject, String schemaText) {
    checkSubject(subject);
    String schema = canonical(schemaText);
    Integer id = idsBySchema.get(schema);
    List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
    if (id != null && versions.contains(id)) {
      return id;
    }
    if (!versions.isEmpty() && !compatible(schema, versions.get(versions.size() - 1))) {
      throw new RegistryError(
          409,
          409,
          "Schema being registered is incompatible with an earlier schema for subject '"
              + subject
              + "' (BACKWARD: a reader of the new schema must read data written with the latest)");
    }
    if (id == null && schemasById.size() >= maxSchemas) {
      throw new RegistryError(
          422,
          42201,
          "the local registry holds at most "
              + maxSchemas
              + " schemas; start with --fresh to clear it");
    }
    int assigned = id != null ? id : nextId;
    append(subject, assigned, schema);
    remember(subject, assigned, schema);
    return assigned;
  }

  /** The version of {@code subject} that has this schema ({@code POST /subjects/{subject}}). */
  public synchronized Version lookup(String subject, String schemaText) {
    List<Integer> versions = versions(subject);
    Integer id = idsBySchema.get(canonical(schemaText));
    if (id == null || !versions.contains(id)) {
      throw RegistryError.schemaNotFound("Schema");
    }
    return new Version(subject, versions.indexOf(id) + 1, id, schemasById.get(id));
  }

  /** The schema with this id. */
  public synchronized String byId(int id) {
    String schema = schemasById.get(id);
    if (schema == null) {
      throw RegistryError.schemaNotFound("Schema " + id);
    }
    return schema;
  }

  /** Every subject and version that has the schema with this id. */
  public synchronized List<Version> versionsOf(int id) {
    byId(id);
    List<Version> found = new ArrayList<>();
    versionsBySubject.forEach(
        (subject, ids) -> {
          int index = ids.indexOf(id);
          if (index >= 0) {
            found.add(new Version(subject, index + 1, id, schemasById.get(id)));
          }
        });
    return found;
  }

  public synchronized List<String> subjects() {
    return List.copyOf(versionsBySubject.keySet());
  }

  /** The version numbers of a subject, 1 to n. */
  public synchronized List<Integer> versionNumbers(String subject) {
    int count = versions(subject).size();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  /**
   * One version of a subject.
   *
   * @param version a number from 1, or {@code latest} (or -1)
   */
  public synchronized Version version(String subject, String version) {
    List<Integer> versions = versions(subject);
    int number;
    if (version.equals("latest") || version.equals("-1")) {
      number = versions.size();
    } else if (version.matches("\\d{1,9}")) {
      number = Integer.parseInt(version);
    } else {
      throw new RegistryError(
          422, 42202, "The specified version '" + version + "' is not a valid version id.");
    }
    if (number < 1 || number > versions.size()) {
      throw RegistryError.versionNotFound(version);
    }
    int id = versions.get(number - 1);
    return new Version(subject, number, id, schemasById.get(id));
  }

  /** Whether this schema could be registered as the next version after {@code version}. */
  public synchronized boolean compatibleWith(String subject, String version, String schemaText) {
    return compatible(canonical(schemaText), version(subject, version).id());
  }

  public synchronized int size() {
    return schemasById.size();
  }

  private boolean compatible(String schema, int latestId) {
    Schema reader = new Schema.Parser().parse(schema);
    Schema writer = new Schema.Parser().parse(schemasById.get(latestId));
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private List<Integer> versions(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      throw RegistryError.subjectNotFound(subject);
    }
    return versions;
  }

  private void remember(String subject, int id, String schema) {
    idsBySchema.putIfAbsent(schema, id);
    schemasById.putIfAbsent(id, schema);
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    nextId = Math.max(nextId, id + 1);
  }

  private void append(String subject, int id, String schema) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("subject", subject);
    line.put("id", id);
    line.put("schema", schema);
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(bytes));
      channel.force(true);
    } catch (IOException e) {
      throw new RegistryError(
          500, 50001, "could not write the registry's file " + file + ": " + e.getMessage());
    }
  }

  private static void checkSubject(String subject) {
    if (subject.isEmpty() || subject.length() > MAX_SUBJECT_CHARS) {
      throw new RegistryError(
          422,
          42208,
          "subject must have 1 to " + MAX_SUBJECT_CHARS + " characters, had " + subject.length());
    }
    if (subject.chars().anyMatch(Character::isISOControl)) {
      throw new RegistryError(422, 42208, "subject must not contain control characters");
    }
  }

  /** The schema as Avro writes it: two texts of the same schema give one id. */
  private static String canonical(String schemaText) {
    try {
      return new Schema.Parser().parse(schemaText).toString();
    } catch (AvroRuntimeException | NullPointerException e) {
      throw RegistryError.invalidSchema(String.valueOf(e.getMessage()));
    }
  }
}
