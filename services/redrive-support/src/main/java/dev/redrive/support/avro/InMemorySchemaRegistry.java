package dev.redrive.support.avro;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for tests and the single-JVM local mode ({@code
 * schema.registry.url=mock://<scope>}).
 *
 * <p>Every serializer and deserializer configured with the same {@code mock://} scope shares one
 * instance ({@link #forScope(String)}). Ids are assigned in sequence; a schema gets one id whatever
 * subject it is registered under, and registering it again under the same subject returns the same
 * id without a new version. Compatibility is not checked.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

  private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

  private final String url;
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
  private int nextId;

  /** Creates a registry of its own (not shared through a scope) whose first id is 1. */
  public InMemorySchemaRegistry() {
    this(1);
  }

  /**
   * Creates a registry of its own (not shared through a scope) that hands out ids from {@code
   * firstId} on.
   */
  public InMemorySchemaRegistry(int firstId) {
    this("mock://(unscoped)", firstId);
  }

  private InMemorySchemaRegistry(String url, int firstId) {
    if (firstId < 0) {
      throw new IllegalArgumentException("firstId must not be negative: " + firstId);
    }
    this.url = url;
    this.nextId = firstId;
  }

  /** Returns the registry shared by everything configured with {@code mock://<scope>}. */
  public static InMemorySchemaRegistry forScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry("mock://" + s, 1));
  }

  /** Forgets a scope; the next {@link #forScope(String)} with that name starts empty. */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    Integer id = idsBySchema.get(schema);
    if (id == null) {
      id = nextId++;
      idsBySchema.put(schema, id);
      schemasById.put(id, schema);
    }
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized int lookup(String subject, Schema schema) {
    List<Integer> versions = versions(subject);
    Integer id = idsBySchema.get(schema);
    if (id == null || !versions.contains(id)) {
      throw SchemaRegistryException.schemaNotRegistered(url, subject);
    }
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw SchemaRegistryException.idNotFound(url, id);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> versions = versions(subject);
    int id = versions.get(versions.size() - 1);
    return new RegisteredSchema(subject, id, versions.size(), schemasById.get(id));
  }

  @Override
  public String toString() {
    return "InMemorySchemaRegistry[" + url + "]";
  }

  private List<Integer> versions(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      throw SchemaRegistryException.subjectNotFound(url, subject);
    }
    return versions;
  }
}
