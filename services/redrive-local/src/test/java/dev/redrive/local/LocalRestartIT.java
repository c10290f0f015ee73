package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.redrive.avro.RetryRequested;
import dev.redrive.local.registry.RegistryAccess;
import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.support.avro.RedriveAvroSerializer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Local mode keeps its state in the data folder: a launcher started again on the same folder goes
 * on where the last one stopped. A retry scheduled before the stop happens after the restart, an
 * attempt cut off by the stop is INTERRUPTED, the schema ids in the Kafka log still resolve; a
 * second launcher on the folder is refused; pipeline files are picked up while it runs, a bad one
 * is one line naming path, line and field; another system publishes failures in its own Avro format
 * through the HTTP schema registry to an external source configured in the data folder.
 */
class LocalRestartIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String FLAKY =
      """
      name: flaky
      phases:
        - name: step
          command:
            argv: [sh, -c, 'if [ "$REDRIVE_ATTEMPT" -gt 1 ]; then exit 0; fi; echo "not yet" >&2; exit 3']
            timeout: 30s
          retry-policy: {max-attempts: 3, initial-interval: 8s, jitter: NONE}
      """;
  private static final String SLOW =
      """
      name: slow
      phases:
        - name: wait
          command:
            argv: [sh, -c, 'if [ "$REDRIVE_ATTEMPT" -gt 1 ]; then exit 0; fi; sleep 120']
            timeout: 5m
          retry-policy: {max-attempts: 3, initial-interval: 1s, jitter: NONE}
      """;
  private static final String BILLING_SOURCE =
      """
      redrive.coordinator.sources:
        billing:
          topic: billing.failures
          format: AVRO
          command-topic: billing.retries
          policy: {max-attempts: 3, initial-interval: 1h}
          mapping: {execution-id: orderId, phase: step, message: error}
      """;
  private static final String BILLING_SCHEMA =
      """
      {"type": "record", "name": "BillingFailure", "namespace": "com.example.billing",
       "fields": [{"name": "orderId", "type": "string"}, {"name": "step", "type": "string"},
                  {"name": "error", "type": "string"}]}
      """;

  @Test
  void shouldGoOnWhereItStoppedWhenStartedAgainOnTheSameDataFolder() throws Exception {
    // given a data folder with two pipelines and an external failure source
    Path data = Files.createTempDirectory("redrive-local-data");
    Path pipelines = Files.createTempDirectory("redrive-local-pipelines");
    Files.writeString(pipelines.resolve("flaky.yaml"), FLAKY);
    Files.writeString(pipelines.resolve("slow.yaml"), SLOW);
    Files.createDirectories(data.resolve("config"));
    Files.writeString(data.resolve(DataFolder.MARKER), "");
    Files.writeString(data.resolve("config").resolve("coordinator.yml"), BILLING_SOURCE);

    String flaky;
    String slow;
    int billingSchemaId;
    try (LocalMode first = start(data, pipelines)) {
      Urls urls = new Urls(first);

      // a second launcher on the same folder is refused, naming it
      assertThatThrownBy(() -> start(data, pipelines))
          .hasMessageContaining(
              "another Redrive launcher is using " + data.toAbsolutePath().normalize())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());

      // a bad pipeline file is one line naming path, line and field; a new good one is picked up
      // (the appender joins after the start: each Spring Boot start resets logback)
      ListAppender<ILoggingEvent> catalogLog = new ListAppender<>();
      catalogLog.start();
      ((Logger) LoggerFactory.getLogger(PipelineCatalog.class)).addAppender(catalogLog);
      Files.writeString(
          pipelines.resolve("broken.yaml"),
          "name: broken\nphases:\n  - name: b\n    comand: {argv: [make]}\n");
      Files.writeString(
          pipelines.resolve("later.yaml"), FLAKY.replace("name: flaky", "name: later"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> get(urls.runner + "/api/v1/pipelines").toString().contains("\"later\""));
      assertThat(get(urls.runner + "/api/v1/pipelines").toString()).contains("\"flaky\"");
      String expected = pipelines.resolve("broken.yaml") + ":4: phases[0].comand: unknown key";
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(catalogLog.list)
                      .anySatisfy(
                          event -> {
                            assertThat(event.getLevel().toString()).isEqualTo("ERROR");
                            assertThat(event.getFormattedMessage())
                                .startsWith(expected)
                                .doesNotContain("\n");
                          }));

      // another system registers its schema over HTTP, as Confluent's serializer does, and
      // publishes a failure in Confluent's wire format on the source's topic
      billingSchemaId =
          post(
                  first.registryUrl() + "/subjects/billing.failures-value/versions",
                  JSON.createObjectNode().put("schema", BILLING_SCHEMA).toString())
              .path("id")
              .asInt();
      publishBillingFailure(first, billingSchemaId, "order-1");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  status(urls.coordinator + "/api/v1/executions/order-1")
                      .equals("RETRY_SCHEDULED"));

      // when a retry is scheduled and a phase is running at the stop
      flaky = startExecution(urls.runner, "flaky");
      slow = startExecution(urls.runner, "slow");
      await().atMost(Duration.ofSeconds(30)).until(() -> has(urls.audit, flaky, "RetryScheduled"));
      await().atMost(Duration.ofSeconds(30)).until(() -> has(urls.audit, slow, "AttemptStarted"));
      assertThat(has(urls.audit, flaky, "AttemptSucceeded")).isFalse();
    }
    Instant restarted = Instant.now();

    try (LocalMode second = start(data, pipelines)) {
      Urls urls = new Urls(second);

      // then the scheduled retry happens after the restart, and succeeds
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> status(urls.coordinator + "/api/v1/executions/" + flaky).equals("SUCCEEDED"));
      JsonNode retried = event(urls.audit, flaky, "AttemptSucceeded");
      assertThat(Instant.parse(retried.path("occurredAt").asString())).isAfter(restarted);

      // the attempt cut off by the stop is reported INTERRUPTED, then retried
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> status(urls.coordinator + "/api/v1/executions/" + slow).equals("SUCCEEDED"));
      assertThat(event(urls.audit, slow, "AttemptFailed").path("failureType").asString())
          .isEqualTo("INTERRUPTED");

      // the ids in the Kafka log still resolve: the other system's schema, the audit's history
      assertThat(
              get(second.registryUrl() + "/schemas/ids/" + billingSchemaId)
                  .path("schema")
                  .asString())
          .contains("BillingFailure");
      assertThat(status(urls.coordinator + "/api/v1/executions/order-1"))
          .isEqualTo("RETRY_SCHEDULED");
      assertThat(has(urls.audit, flaky, "ExecutionStarted")).isTrue();

      // another process publishes a Redrive event with a serializer that knows only the
      // registry's URL; the coordinator and the audit decode it through the same registry
      publishRetryRequest(second, flaky);
      await().atMost(Duration.ofSeconds(30)).until(() -> has(urls.audit, flaky, "RetryRequested"));
      assertThat(get(urls.runner + "/api/v1/pipelines").toString()).contains("\"later\"");
    }
  }

  private static LocalMode start(Path data, Path pipelines) {
    return LocalMode.start(
        new LocalMode.Settings(
            data,
            false,
            pipelines,
            new int[] {0, 0, 0, 0},
            RegistryAccess.OPEN,
            Map.of(
                "redrive.runner.shutdown-grace", "1s",
                "redrive.kafka.handler-retry-interval", "100ms")),
        line -> {});
  }

  private record Urls(String runner, String coordinator, String audit) {
    Urls(LocalMode local) {
      this(
          "http://localhost:" + RedriveCluster.port(local.cluster().runner()),
          "http://localhost:" + RedriveCluster.port(local.cluster().coordinator()),
          "http://localhost:" + RedriveCluster.port(local.cluster().audit()));
    }
  }

  private static void publishBillingFailure(LocalMode local, int schemaId, String orderId)
      throws Exception {
    Schema schema = new Schema.Parser().parse(BILLING_SCHEMA);
    GenericRecord failure = new GenericData.Record(schema);
    failure.put("orderId", orderId);
    failure.put("step", "charge");
    failure.put("error", "card declined");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0);
    bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(schema).write(failure, encoder);
    encoder.flush();
    Properties config = new Properties();
    config.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.infrastructure().kafkaBootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("billing.failures", orderId, bytes.toByteArray())).get();
    }
  }

  private static void publishRetryRequest(LocalMode local, String executionId) throws Exception {
    RetryRequested request =
        RetryRequested.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(executionId)
            .setOccurredAt(Instant.now())
            .setSource("another-process")
            .setRequestId(UUID.randomUUID().toString())
            .setRequestedBy("local-restart-it")
            .setDryRun(true)
            .build();
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", local.registryUrl()), false);
    Properties config = new Properties();
    config.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.infrastructure().kafkaBootstrapServers());
    try (KafkaProducer<String, Object> producer =
        new KafkaProducer<>(config, new StringSerializer(), serializer)) {
      producer.send(new ProducerRecord<>("redrive.requests", executionId, request)).get();
    }
  }

  private static String startExecution(String runner, String pipeline) throws Exception {
    return post(
            runner + "/api/v1/executions",
            "{\"pipeline\":\"%s\",\"parameters\":{}}".formatted(pipeline))
        .get("executionId")
        .asString();
  }

  private static String status(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body()).path("status").asString()
        : "HTTP " + response.statusCode();
  }

  private static boolean has(String audit, String executionId, String type) throws Exception {
    return !events(audit, executionId, type).isEmpty();
  }

  private static JsonNode event(String audit, String executionId, String type) throws Exception {
    List<JsonNode> found = events(audit, executionId, type);
    assertThat(found).as("%s of %s", type, executionId).isNotEmpty();
    return found.get(found.size() - 1);
  }

  private static List<JsonNode> events(String audit, String executionId, String type)
      throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode event : get(audit + "/api/v1/executions/" + executionId + "/events")) {
      if (type.equals(event.path("type").asString())) {
        found.add(event);
      }
    }
    return found;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode post(String url, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", url, response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }
}
