package dev.redrive.support.avro;

import static dev.redrive.support.avro.AvroSamples.TOPIC;
import static dev.redrive.support.avro.AvroSamples.VALUE_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redrive.avro.RetryRequested;
import dev.redrive.testkit.HttpSchemaRegistry;
import dev.redrive.testkit.HttpSchemaRegistry.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = RetryRequested.getClassSchema();
  private static final String VERSIONS = "/subjects/redrive.requests-value/versions";
  private static final String LATEST = VERSIONS + "/latest";

  private HttpSchemaRegistry server;

  @BeforeEach
  void startServer() {
    server = HttpSchemaRegistry.start(7);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void shouldRegisterWithAConfluentRequestAndReturnTheId() throws IOException {
    // given
    server.answer("POST", VERSIONS, 200, "{\"id\": 7}");

    // when
    int id = new RestSchemaRegistryClient(server.url()).register(VALUE_SUBJECT, SCHEMA);

    // then
    assertThat(id).isEqualTo(7);
    Request request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(VERSIONS);
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.authorization()).isNull();
    String sent = JSON.readTree(request.body()).get("schema").asText();
    assertThat(new Schema.Parser().parse(sent)).isEqualTo(SCHEMA);
  }

  @Test
  void shouldAnswerRepeatedCallsForTheSameSubjectAndSchemaFromItsCache() {
    // given
    server.answer("POST", VERSIONS, 200, "{\"id\": 7}");
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

    // when
    for (int i = 0; i < 3; i++) {
      assertThat(client.register(VALUE_SUBJECT, SCHEMA)).isEqualTo(7);
    }
    int lookedUp = client.lookup(VALUE_SUBJECT, SCHEMA);
    Schema byId = client.getById(7);

    // then
    assertThat(lookedUp).isEqualTo(7);
    assertThat(byId).isEqualTo(SCHEMA);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void shouldRefuseAnAnswerLargerThanTheLimitNamingTheKey() {
    // given a registry whose answer is 64 kB of padding around the schema
    String padded = "{\"pad\": \"" + "x".repeat(64 * 1024) + "\", " + schemaAnswer().substring(1);
    server.answer("GET", "/schemas/ids/7", 200, padded);
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            server.url(), null, Duration.ofSeconds(5), Duration.ofSeconds(-1), 16 * 1024);

    // when / then
    assertThatThrownBy(() -> client.getById(7))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("larger than 16384 bytes")
        .hasMessageContaining("schema.registry.max.response.bytes")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).isUnavailable()).isFalse());

    // and the same answer within the limit is read
    RestSchemaRegistryClient roomy =
        new RestSchemaRegistryClient(
            server.url(), null, Duration.ofSeconds(5), Duration.ofSeconds(-1), 128 * 1024);
    assertThat(roomy.getById(7)).isEqualTo(SCHEMA);
  }

  @Test
  void shouldNameTheKeyOfAMaxResponseBytesOutOfRange() {
    assertThatThrownBy(
            () ->
                AvroSerdeConfig.from(
                    Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://registry:8081",
                        AvroSerdeConfig.MAX_RESPONSE_BYTES,
                        "12")))
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
        .hasMessageContaining("schema.registry.max.response.bytes");
  }

  @Test
  void shouldFetchASchemaByIdOnce() {
    // given
    server.answer("GET", "/schemas/ids/7", 200, schemaAnswer());
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

    // when
    Schema first = client.getById(7);
    Schema second = client.getById(7);

    // then
    assertThat(first).isEqualTo(SCHEMA);
    assertThat(second).isSameAs(first);
    assertThat(server.count("GET", "/schemas/ids/7")).isEqualTo(1);
  }

  @Test
  void shouldLookUpAnIdWithoutRegistering() {
    // given
    server.answer("POST", "/subjects/redrive.requests-value", 200, latestAnswer(7, 1));

    // when
    int id = new RestSchemaRegistryClient(server.url()).lookup(VALUE_SUBJECT, SCHEMA);

    // then
    assertThat(id).isEqualTo(7);
    assertThat(server.count("POST", VERSIONS)).isZero();
  }

  @Test
  void shouldReadTheLatestVersionOfASubjectAndCacheIt() {
    // given
    server.answer("GET", LATEST, 200, latestAnswer(7, 3));
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

    // when
    RegisteredSchema latest = client.latest(VALUE_SUBJECT);
    client.latest(VALUE_SUBJECT);

    // then
    assertThat(latest).isEqualTo(new RegisteredSchema(VALUE_SUBJECT, 7, 3, SCHEMA));
    assertThat(server.count("GET", LATEST)).isEqualTo(1);
  }

  @Test
  void shouldAskForTheLatestVersionEachTimeWhenItsCacheTtlIsZero() {
    // given
    server.answer("GET", LATEST, 200, latestAnswer(7, 3));
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(server.url(), null, Duration.ofSeconds(5), Duration.ZERO);

    // when
    client.latest(VALUE_SUBJECT);
    client.latest(VALUE_SUBJECT);

    // then
    assertThat(server.count("GET", LATEST)).isEqualTo(2);
  }

  @Test
  void shouldReportAnUnknownSubjectWithUrlStatusAndErrorCode() {
    server.answer(
        "GET",
        LATEST,
        404,
        "{\"error_code\":40401,\"message\":\"Subject 'redrive.requests-value' not found.\"}");

    assertThatThrownBy(() -> new RestSchemaRegistryClient(server.url()).latest(VALUE_SUBJECT))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(40401);
              assertThat(e.isNotFound()).isTrue();
            })
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": subject 'redrive.requests-value' not found (404, error 40401)");
  }

  @Test
  void shouldReportAnUnknownSchemaId() {
    server.answer(
        "GET",
        "/schemas/ids/99",
        404,
        "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");

    assertThatThrownBy(() -> new RestSchemaRegistryClient(server.url()).getById(99))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "Schema registry at " + server.url() + ": schema id 99 not found (404, error 40403)");
  }

  @Test
  void shouldReportAnIncompatibleSchemaWithTheRegistryExplanation() {
    server.answer(
        "POST",
        VERSIONS,
        409,
        "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an"
            + " earlier schema for subject \\\"redrive.requests-value\\\"\"}");

    assertThatThrownBy(
            () -> new RestSchemaRegistryClient(server.url()).register(VALUE_SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
            })
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": schema is incompatible with an earlier schema of subject"
                + " 'redrive.requests-value': Schema being registered is incompatible with an"
                + " earlier schema for subject \"redrive.requests-value\" (409, error 409)");
  }

  @Test
  void shouldReportAnInvalidSchema() {
    server.answer("POST", VERSIONS, 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

    assertThatThrownBy(
            () -> new RestSchemaRegistryClient(server.url()).register(VALUE_SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(422);
              assertThat(e.errorCode()).isEqualTo(42201);
            })
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": invalid schema for subject 'redrive.requests-value': Invalid schema"
                + " (422, error 42201)");
  }

  @Test
  void shouldReportServerErrorsWithTheRegistryMessage() {
    server.answer(
        "POST",
        VERSIONS,
        500,
        "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");

    assertThatThrownBy(
            () -> new RestSchemaRegistryClient(server.url()).register(VALUE_SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(500))
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": could not register a schema under subject 'redrive.requests-value':"
                + " Error in the backend data store (500, error 50001)");
  }

  @Test
  void shouldQuoteAnErrorBodyThatIsNotJson() {
    server.answer("GET", "/schemas/ids/7", 502, "<html>Bad Gateway</html>");

    assertThatThrownBy(() -> new RestSchemaRegistryClient(server.url()).getById(7))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(502);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_ANSWER);
            })
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": could not fetch schema id 7: <html>Bad Gateway</html> (502)");
  }

  @Test
  void shouldPointAtTheCredentialsWhenTheRegistryRefusesThem() {
    server.answer(
        "GET", "/schemas/ids/7", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

    assertThatThrownBy(() -> new RestSchemaRegistryClient(server.url(), "redrive:wrong").getById(7))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "Schema registry at "
                + server.url()
                + ": not allowed to fetch schema id 7 (check basic.auth.user.info): Unauthorized"
                + " (401, error 401)");
  }

  @Test
  void shouldRejectAnAnswerWhoseSchemaDoesNotParse() {
    server.answer("GET", "/schemas/ids/7", 200, "{\"schema\": \"not avro\"}");

    assertThatThrownBy(() -> new RestSchemaRegistryClient(server.url()).getById(7))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith(
            "Schema registry at "
                + server.url()
                + ": could not fetch schema id 7: the schema does not parse");
  }

  @Test
  void shouldNotCacheFailures() {
    // given
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
    server.answer("GET", "/schemas/ids/7", 503, "{\"error_code\":50003,\"message\":\"busy\"}");
    assertThatThrownBy(() -> client.getById(7)).isInstanceOf(SchemaRegistryException.class);

    // when the registry recovers
    server.answer("GET", "/schemas/ids/7", 200, schemaAnswer());

    // then
    assertThat(client.getById(7)).isEqualTo(SCHEMA);
    assertThat(server.count("GET", "/schemas/ids/7")).isEqualTo(2);
  }

  @Test
  void shouldSendBasicAuthWhenUserInfoIsConfigured() {
    // given
    server.answer("GET", "/schemas/ids/7", 200, schemaAnswer());

    // when
    new RestSchemaRegistryClient(server.url(), "redrive:s3cret").getById(7);

    // then
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("redrive:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(server.requests().get(0).authorization()).isEqualTo(expected);
  }

  @Test
  void shouldSayTheRegistryIsUnreachableWhenNothingListens() throws IOException {
    String deadUrl = "http://127.0.0.1:" + HttpSchemaRegistry.deadPort();

    assertThatThrownBy(() -> new RestSchemaRegistryClient(deadUrl).getById(7))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_ANSWER))
        .hasMessageStartingWith(
            "Schema registry at " + deadUrl + " unreachable: could not fetch schema id 7");
  }

  @Test
  void shouldMoveOnToTheNextUrlWhenTheFirstIsUnreachable() throws IOException {
    // given
    server.answer("GET", "/schemas/ids/7", 200, schemaAnswer());
    String urls = "http://127.0.0.1:" + HttpSchemaRegistry.deadPort() + ", " + server.url();

    // when
    Schema schema = new RestSchemaRegistryClient(urls).getById(7);

    // then
    assertThat(schema).isEqualTo(SCHEMA);
  }

  @Test
  void shouldRoundTripThroughSerializerAndDeserializerOverHttp() {
    // given
    Map<String, Object> producerConfig =
        Map.of(
            AvroSerdeConfig.SCHEMA_REGISTRY_URL,
            server.url(),
            AvroSerdeConfig.BASIC_AUTH_USER_INFO,
            "redrive:s3cret");
    Map<String, Object> consumerConfig =
        Map.of(
            AvroSerdeConfig.SCHEMA_REGISTRY_URL,
            server.url(),
            AvroSerdeConfig.BASIC_AUTH_USER_INFO,
            "redrive:s3cret",
            AvroSerdeConfig.SPECIFIC_AVRO_READER,
            true);
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(producerConfig, false);
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(consumerConfig, false);
    RetryRequested request = AvroSamples.retryRequested();

    // when
    for (int i = 0; i < 3; i++) {
      byte[] bytes = serializer.serialize(TOPIC, request);

      // then
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(7);
      assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(request);
    }
    assertThat(server.count("POST", VERSIONS)).isEqualTo(1);
    assertThat(server.count("GET", "/schemas/ids/7")).isEqualTo(1);
    assertThat(server.requests()).hasSize(2).allMatch(r -> r.authorization() != null);
  }

  @Test
  void shouldTurnRegistryRefusalIntoSerializationExceptionInTheSerializer() {
    // given
    server.answer("POST", VERSIONS, 409, "{\"error_code\":409,\"message\":\"incompatible\"}");
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url()), false);

    // then
    assertThatThrownBy(() -> serializer.serialize(TOPIC, AvroSamples.retryRequested()))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(
            "Cannot register the schema of dev.redrive.avro.RetryRequested under subject"
                + " 'redrive.requests-value' (topic redrive.requests): Schema registry at "
                + server.url())
        .hasMessageEndingWith("(409, error 409)");
  }

  private static String schemaAnswer() {
    return JSON.createObjectNode().put("schema", SCHEMA.toString()).toString();
  }

  private static String latestAnswer(int id, int version) {
    return JSON.createObjectNode()
        .put("subject", VALUE_SUBJECT)
        .put("version", version)
        .put("id", id)
        .put("schema", SCHEMA.toString())
        .toString();
  }
}
