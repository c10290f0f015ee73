package dev.redrive.support.avro;

import static dev.redrive.support.avro.SchemaRegistryException.NO_ANSWER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
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
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  /** The media type of the Confluent REST API, sent as {@code Content-Type}. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Connect and request timeout used unless another is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** A {@code latestCacheTtl} that keeps the latest version for good (Confluent's default). */
  public static final Duration CACHE_LATEST_FOREVER = Duration.ofSeconds(-1);

  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUOTED_BODY = 300;

  private final List<String> baseUrls;
  private final String authorization;
  private final Duration timeout;
  private final Duration latestCacheTtl;
  private final int maxResponseBytes;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<String, Latest> latestBySubject = new ConcurrentHashMap<>();
  private volatile int preferredUrl;

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
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          AvroSerdeConfig.MAX_RESPONSE_BYTES + " must be positive, was " + maxResponseBytes);
    }
    this.maxResponseBytes = maxResponseBytes;
    this.baseUrls = parseUrls(baseUrls);
    this.authorization =
        basicAuthUserInfo == null || basicAuthUserInfo.isBlank()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.latestCacheTtl = latestCacheTtl;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public int register(String subject, Schema schema) {
    Call call = new Call("register a schema under subject '" + subject + "'", subject, null);
    return idOf(subject, schema, call, "/subjects/" + encode(subject) + "/versions");
  }

  @Override
  public int lookup(String subject, Schema schema) {
    Call call = new Call("look up a schema under subject '" + subject + "'", subject, null);
    return idOf(subject, schema, call, "/subjects/" + encode(subject));
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Call call = new Call("fetch schema id " + id, null, id);
    Schema schema = parseSchema(send(call, "/schemas/ids/" + id, null), call);
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous == null ? schema : previous;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    Latest cached = latestBySubject.get(subject);
    if (cached != null && cached.isFresh(latestCacheTtl)) {
      return cached.value();
    }
    Call call = new Call("fetch the latest version of subject '" + subject + "'", subject, null);
    JsonNode answer = send(call, "/subjects/" + encode(subject) + "/versions/latest", null);
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
    return "RestSchemaRegistryClient" + baseUrls;
  }

  private int idOf(String subject, Schema schema, Call call, String path) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    int id = requireInt(send(call, path, schemaBody(schema)), "id", call);
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  private JsonNode send(Call call, String path, String body) {
    int first = preferredUrl;
    IOException failure = null;
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (first + i) % baseUrls.size();
      String url = baseUrls.get(index);
      HttpResponse<InputStream> response;
      String text;
      try {
        response = http.send(request(url + path, body), HttpResponse.BodyHandlers.ofInputStream());
        text = bounded(url, response, call);
      } catch (IOException e) {
        failure = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            "Interrupted while asking the schema registry at " + url + " to " + call.action(),
            NO_ANSWER,
            NO_ANSWER,
            e);
      }
      preferredUrl = index;
      return answer(url, response.statusCode(), text, call);
    }
    throw new SchemaRegistryException(
        "Schema registry at "
            + String.join(", ", baseUrls)
            + " unreachable: could not "
            + call.action()
            + " ("
            + reason(failure)
            + ")",
        NO_ANSWER,
        NO_ANSWER,
        failure);
  }

  private HttpRequest request(String uri, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).header("Accept", ACCEPT);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (body == null) {
      return builder.GET().build();
    }
    return builder
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  /**
   * The answer as text, read up to the limit; a longer one is not read further, and fails with its
   * own status: it is not an outage to wait out (the same answer would come again).
   */
  private String bounded(String url, HttpResponse<InputStream> response, Call call)
      throws IOException {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(maxResponseBytes + 1);
      if (bytes.length > maxResponseBytes) {
        throw new SchemaRegistryException(
            "Schema registry at "
                + url
                + ": could not "
                + call.action()
                + ": the answer is larger than "
                + maxResponseBytes
                + " bytes (raise "
                + AvroSerdeConfig.MAX_RESPONSE_BYTES
                + " if the registry really serves schemas that large)",
            response.statusCode(),
            NO_ANSWER,
            null);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static JsonNode answer(String url, int status, String text, Call call) {
    String body = text == null ? "" : text;
    JsonNode json = readJson(body);
    if (status >= 200 && status < 300) {
      if (json == null || !json.isObject()) {
        throw SchemaRegistryException.answered(
            url,
            "could not " + call.action() + ": the answer is not a JSON object: " + quote(body),
            status,
            NO_ANSWER);
      }
      return json;
    }
    int errorCode = NO_ANSWER;
    String message = quote(body);
    if (json != null && json.isObject()) {
      errorCode = json.path("error_code").asInt(NO_ANSWER);
      message = json.path("message").asText(message);
    }
    throw error(url, status, errorCode, message, call);
  }

  private static SchemaRegistryException error(
      String url, int status, int errorCode, String message, Call call) {
    String what;
    if (errorCode == SchemaRegistryException.SUBJECT_NOT_FOUND && call.subject() != null) {
      what = "subject '" + call.subject() + "' not found";
    } else if (errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND && call.id() != null) {
      what = "schema id " + call.id() + " not found";
    } else if (errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND && call.subject() != null) {
      what = "schema not registered under subject '" + call.subject() + "'";
    } else if (status == 409) {
      what =
          "schema is incompatible with an earlier schema of subject '"
              + call.subject()
              + "': "
              + message;
    } else if (status == 422) {
      what = "invalid schema for subject '" + call.subject() + "': " + message;
    } else if (status == 401 || status == 403) {
      what = "not allowed to " + call.action() + " (check basic.auth.user.info): " + message;
    } else {
      what = "could not " + call.action() + ": " + message;
    }
    return SchemaRegistryException.answered(url, what, status, errorCode);
  }

  private Schema parseSchema(JsonNode answer, Call call) {
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

  private int requireInt(JsonNode answer, String field, Call call) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw malformed(
          call, "the answer has no integer '" + field + "': " + quote(answer.toString()), null);
    }
    return value.asInt();
  }

  private SchemaRegistryException malformed(Call call, String detail, Throwable cause) {
    return new SchemaRegistryException(
        "Schema registry at "
            + String.join(", ", baseUrls)
            + ": could not "
            + call.action()
            + ": "
            + detail,
        NO_ANSWER,
        NO_ANSWER,
        cause);
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private static JsonNode readJson(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException notJson) {
      return null;
    }
  }

  private static String quote(String body) {
    String text = body.strip();
    if (text.isEmpty()) {
      return "empty answer";
    }
    return text.length() <= MAX_QUOTED_BODY ? text : text.substring(0, MAX_QUOTED_BODY) + "...";
  }

  private static String reason(IOException failure) {
    if (failure instanceof HttpTimeoutException) {
      return "no answer within the timeout: " + failure.getMessage();
    }
    return failure.getMessage() == null
        ? failure.getClass().getSimpleName()
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static List<String> parseUrls(String baseUrls) {
    if (baseUrls == null || baseUrls.isBlank()) {
      throw new IllegalArgumentException("No schema registry URL given");
    }
    List<String> urls =
        Arrays.stream(baseUrls.split(","))
            .map(String::strip)
            .filter(url -> !url.isEmpty())
            .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
            .toList();
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("No schema registry URL given in '" + baseUrls + "'");
    }
    for (String url : urls) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid schema registry URL '" + url + "'", e);
      }
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "Invalid schema registry URL '" + url + "': expected http://host:port or https://...");
      }
    }
    return urls;
  }

  /** What a request is for, to say so when it fails. */
  private record Call(String action, String subject, Integer id) {}

  private record Latest(RegisteredSchema value, long fetchedAtNanos) {
    boolean isFresh(Duration ttl) {
      return ttl.isNegative() || System.nanoTime() - fetchedAtNanos < ttl.toNanos();
    }
  }
}
