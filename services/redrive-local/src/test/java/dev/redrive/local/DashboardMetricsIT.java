package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.RedriveInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboards can never drift from the code: the services run, fail, retry, pause and
 * dead-letter a record, and then every metric that any panel of any dashboard in
 * deploy/grafana/dashboards queries must be on some service's {@code /actuator/prometheus}.
 */
class DashboardMetricsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RedriveInfrastructure infrastructure;
  private static RedriveCluster cluster;
  private static Map<String, String> services;

  @BeforeAll
  static void startRedrive() throws Exception {
    infrastructure = RedriveInfrastructure.shared();
    cluster =
        RedriveCluster.start(
            new RedriveCluster.Settings(
                infrastructure.kafkaBootstrapServers(),
                infrastructure.createDatabase("metrics"),
                infrastructure.jdbcUser(),
                infrastructure.jdbcPassword(),
                infrastructure.schemaRegistryUrl(),
                Files.createTempDirectory("redrive-metrics"),
                new int[] {0, 0, 0},
                Map.of(
                    "redrive.coordinator.policy.initial-interval", "200ms",
                    "redrive.kafka.handler-retry-interval", "100ms")));
    services = new LinkedHashMap<>();
    services.put("phase-runner", "http://localhost:" + RedriveCluster.port(cluster.runner()));
    services.put(
        "retry-coordinator", "http://localhost:" + RedriveCluster.port(cluster.coordinator()));
    services.put("audit", "http://localhost:" + RedriveCluster.port(cluster.audit()));
  }

  @AfterAll
  static void stopRedrive() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyMetricADashboardQueriesIsExportedByAService() throws Exception {
    // given what the dashboards query
    Map<String, Set<String>> queried =
        DashboardQueries.inFolder(
            DashboardQueriesTest.repositoryRoot().resolve("deploy/grafana/dashboards"));
    assertThat(queried).isNotEmpty();

    // when the services see a failure that a retry fixes, one that pauses, and a poison record
    String succeeds = start("demo");
    String pauses = start("always-fails");
    poisonRecordOn(RedriveTopics.ATTEMPTS.name());
    await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(status(succeeds)));
    await().atMost(Duration.ofSeconds(60)).until(() -> "PAUSED".equals(status(pauses)));

    // then every queried metric is exported (gauges and client metrics may take a scrape or two)
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(missing(queried, exported())).isEmpty());
  }

  /** Queried metrics no service exports, each with the panels that query it. */
  private static Map<String, Set<String>> missing(
      Map<String, Set<String>> queried, Map<String, Set<String>> exported) {
    Map<String, Set<String>> missing = new TreeMap<>();
    queried.forEach(
        (metric, panels) -> {
          if (!exported.containsKey(metric)) {
            missing.put(metric, panels);
          }
        });
    return missing;
  }

  /** Every sample name on the services' /actuator/prometheus, with the services exporting it. */
  private static Map<String, Set<String>> exported() throws Exception {
    Map<String, Set<String>> exported = new TreeMap<>();
    for (var service : services.entrySet()) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(service.getValue() + "/actuator/prometheus"))
                  .header("Accept", "text/plain;version=0.0.4")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(service.getKey()).isEqualTo(200);
      Set<String> names =
          response
              .body()
              .lines()
              .filter(line -> !line.isBlank() && !line.startsWith("#"))
              .map(line -> line.split("[{ ]", 2)[0])
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(response.body())
          .as(service.getKey() + " tags its metrics with its application name")
          .contains("application=\"" + service.getKey() + "\"");
      names.forEach(n -> exported.computeIfAbsent(n, k -> new TreeSet<>()).add(service.getKey()));
    }
    return exported;
  }

  private static String start(String pipeline) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(services.get("phase-runner") + "/api/v1/executions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"pipeline\":\"" + pipeline + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).path("executionId").asString();
  }

  private static String status(String executionId) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        services.get("retry-coordinator")
                            + "/api/v1/executions/"
                            + executionId
                            + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JSON.readTree(response.body()).path("status").asString()
        : "UNKNOWN";
  }

  private static void poisonRecordOn(String topic) throws Exception {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  "poison-" + UUID.randomUUID(),
                  "{not avro}".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }
}
