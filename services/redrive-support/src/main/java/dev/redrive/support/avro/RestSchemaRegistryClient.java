package dev.redrive.support.avro;

import static dev.redrive.support.avro.SchemaRegistryException.NO_ANSWER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A {@link SchemaRegistryClient} that speaks the Confluent Schema Registry REST API over {@link
 * HttpClient} (Confluent Schema Registry, Karapace, Apicurio's ccompat API, Redpanda).
 *
 * <p>The base URL may be a comma-separated list: a request goes to the URL that answered last and
 * moves on to the next one only when a URL cannot be reached. Ids and schemas are cached for good
 * (they never change in a registry), so repeated calls for the same subject and schema, or the same
 * id, make no round trip; the latest version of a subject is cached for {@code latestCacheTtl}.
 *
 * <p>This class owns the registry's protocol (its paths, what each answer holds, Avro schemas) and
 * the caches; {@link RegistryTransport} owns the HTTP exchange and {@link RegistryAnswers} the
 * reading of answers and errors.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  /** The media type of the Confluent REST API, sent as {@code Content-Type}. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Connect and request timeout used unless another is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** A {@code latestCacheTtl} that keeps the latest version for good (Confluent's default). */
  public static final Duration CACHE_LATEST_FOREVER = Duration.ofSeconds(-1);

  private final RegistryTransport transport;
  private final Duration latestCacheTtl;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<String, Latest> latestBySubject = new ConcurrentHashMap<>();

  /** Creates a client without authentication, with the default timeout. */
  public RestSchemaRegistryClient(String baseUrls) {
    this(baseUrls, null);
  }

  /**
   * Creates a client with the default timeout.
   *
   * @param baseUrls one URL or a comma-separated list, for example {@code http://registry:8081}
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or {@code null}
   */
  public RestSchemaRegistryClient(String baseUrls, String basicAuthUserInfo) {
    this(baseUrls, basicAuthUserInfo, DEFAULT_TIMEOUT, CACHE_LATEST_FOREVER);
  }

  /**
   * Creates a client.
   *
   * @param baseUrls one URL or a comma-separated list, for example {@code http://registry:8081}
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or {@code null}
   * @param timeout connect timeout, and time allowed for each answer
   * @param latestCacheTtl how long {@link #latest(String)} answers from its cache: zero never,
   *     negative for good
   * @throws IllegalArgumentException if a URL is not an http(s) URL
   */
  public RestSchemaRegistryClient(
      String baseUrls, String basicAuthUserInfo, Duration timeout, Duration latestCacheTtl) {
    this(
        baseUrls,
        basicAuthUserInfo,
        timeout,
        latestCacheTtl,
        AvroSerdeConfig.DEFAULT_MAX_RESPONSE_BYTES);
  }

  /**
   * Creates a client.
   *
   * @param baseUrls one URL or a comma-separated list, for example {@code http://registry:8081}
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or {@code null}
   * @param timeout connect timeout, and time allowed for each answer
   * @param latestCacheTtl how long {@link #latest(String)} answers from its cache: zero never,
   *     negative for good
   * @param maxResponseBytes the largest answer read ({@value AvroSerdeConfig#MAX_RESPONSE_BYTES});
   *     reading stops at the first byte past it, and the call fails naming the key
   * @throws IllegalArgumentException if a URL is not an http(s) URL
   */
  public RestSchemaRegistryClient(
      String baseUrls,
      String basicAuthUserInfo,
      Duration timeout,
      Duration latestCacheTtl,
      int maxResponseBytes) {
    this.transport = new RegistryTransport(baseUrls, basicAuthUserInfo, timeout, maxResponseBytes);
    this.latestCacheTtl = latestCacheTtl;
  }

  @Override
  public int register(String subject, Schema schema) {
    RegistryCall call =
        new RegistryCall("register a schema under subject '" + subject + "'", subject, null);
    return idOf(subject, schema, call, "/subjects/" + encode(subject) + "/versions");
  }

  @Override
  public int lookup(String subject, Schema schema) {
    RegistryCall call =
        new RegistryCall("look up a schema under subject '" + subject + "'", subject, null);
    return idOf(subject, schema, call, "/subjects/" + encode(subject));
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    RegistryCall call = new RegistryCall("fetch schema id " + id, null, id);
    Schema schema = parseSchema(transport.send(call, "/schemas/ids/" + id, null), call);
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous == null ? schema : previous;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    Latest cached = latestBySubject.get(subject);
    if (cached != null && cached.isFresh(latestCacheTtl)) {
      return cached.value();
    }
    RegistryCall call =
        new RegistryCall("fetch the latest version of subject '" + subject + "'", subject, null);
    JsonNode answer =
        transport.send(call, "/subjects/" + encode(subject) + "/versions/latest", null);
    RegisteredSchema latest =
        new RegisteredSchema(
            subject,
            requireInt(answer, "id", call),
            requireInt(answer, "version", call),
            parseSchema(answer, call));
    schemasById.putIfAbsent(latest.id(), latest.schema());
    latestBySubject.put(subject, new Latest(latest, System.nanoTime()));
    return latest;
  }

  @Override
  public String toString() {
    return "RestSchemaRegistryClient" + transport.baseUrls();
  }

  private int idOf(String subject, Schema schema, RegistryCall call, String path) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    int id = requireInt(transport.send(call, path, schemaBody(schema)), "id", call);
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  private Schema parseSchema(JsonNode answer, RegistryCall call) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw malformed(call, "it is a " + type + " schema, not Avro", null);
    }
    String text = answer.path("schema").asText(null);
    if (text == null) {
      throw malformed(call, "the answer has no 'schema' field", null);
    }
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw malformed(call, "the schema does not parse: " + e.getMessage(), e);
    }
  }

  private int requireInt(JsonNode answer, String field, RegistryCall call) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw malformed(
          call,
          "the answer has no integer '" + field + "': " + RegistryAnswers.quote(answer.toString()),
          null);
    }
    return value.asInt();
  }

  private SchemaRegistryException malformed(RegistryCall call, String detail, Throwable cause) {
    return new SchemaRegistryException(
        "Schema registry at "
            + String.join(", ", transport.baseUrls())
            + ": could not "
            + call.action()
            + ": "
            + detail,
        NO_ANSWER,
        NO_ANSWER,
        cause);
  }

  private static String schemaBody(Schema schema) {
    return JsonNodeFactory.instance.objectNode().put("schema", schema.toString()).toString();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private record Latest(RegisteredSchema value, long fetchedAtNanos) {
    boolean isFresh(Duration ttl) {
      return ttl.isNegative() || System.nanoTime() - fetchedAtNanos < ttl.toNanos();
    }
  }
}
