package dev.redrive.audit;

import static org.awaitility.Awaitility.await;

import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit service running on the shared real broker and PostgreSQL, with a database, a consumer
 * group and an in-memory schema registry of its own; typed helpers to publish events and to call
 * its REST API.
 */
final class RunningAudit implements AutoCloseable {

  static final RedriveInfrastructure INFRASTRUCTURE = RedriveInfrastructure.shared();
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** The audit's write token: it has no write endpoint, but it does not start without one. */
  static final String TOKEN = "audit-test-token";

  final ConfigurableApplicationContext context;
  final String registry;
  final String baseUrl;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final KafkaProducer<String, Object> producer;

  private RunningAudit(ConfigurableApplicationContext context, String registry) {
    this.context = context;
    this.registry = registry;
    this.baseUrl =
        "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, INFRASTRUCTURE.kafkaBootstrapServers());
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", registry), false);
    this.producer = new KafkaProducer<>(properties, new StringSerializer(), serializer);
  }

  /** Starts the audit; {@code settings} are more {@code --key=value} arguments. */
  static RunningAudit start(String name, String... settings) {
    String registry = INFRASTRUCTURE.schemaRegistryUrl();
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + INFRASTRUCTURE.createDatabase("audit_" + name));
    args.add("--spring.datasource.username=" + INFRASTRUCTURE.jdbcUser());
    args.add("--spring.datasource.password=" + INFRASTRUCTURE.jdbcPassword());
    args.add("--spring.kafka.bootstrap-servers=" + INFRASTRUCTURE.kafkaBootstrapServers());
    args.add("--spring.kafka.properties.schema.registry.url=" + registry);
    args.add("--server.port=0");
    args.add("--redrive.security.api-token=" + TOKEN);
    args.add("--spring.main.banner-mode=off");
    args.add("--redrive.kafka.handler-retry-interval=100ms");
    args.addAll(List.of(settings));
    return new RunningAudit(AuditApplication.builder().run(args.toArray(String[]::new)), registry);
  }

  /** Publishes the events in this order on their topics (key: execution id), and waits for acks. */
  void send(SpecificRecord... events) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (SpecificRecord event : events) {
      String key = ((GenericRecord) event).get("executionId").toString();
      sent.add(producer.send(new ProducerRecord<>(topicOf(event).name(), key, event)));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : sent) {
      try {
        ack.get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException("could not publish", e);
      }
    }
  }

  /** Publishes one event on the named topic (key: execution id), and waits for the ack. */
  void sendTo(String topic, SpecificRecord event) {
    String key = ((GenericRecord) event).get("executionId").toString();
    try {
      producer.send(new ProducerRecord<>(topic, key, event)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("could not publish", e);
    }
  }

  static Topic topicOf(SpecificRecord event) {
    return RedriveTopics.ALL.stream()
        .filter(topic -> topic.valueType().isInstance(event))
        .findFirst()
        .orElseThrow();
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    }
  }

  JsonNode json(String path) {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The execution's timeline once it has {@code count} events. */
  List<JsonNode> timeline(String executionId, int count) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> timeline(executionId), events -> events.size() >= count);
  }

  List<JsonNode> timeline(String executionId) {
    List<JsonNode> events = new ArrayList<>();
    json("/api/v1/executions/" + executionId + "/events").forEach(events::add);
    return events;
  }

  /** Sum of a counter over all its tags; 0 before it exists. */
  double count(String meter) {
    return Search.in(context.getBean(MeterRegistry.class)).name(meter).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  double gauge(String meter) {
    return context.getBean(MeterRegistry.class).get(meter).gauge().value();
  }

  JdbcClient jdbc() {
    return context.getBean(JdbcClient.class);
  }

  @Override
  public void close() {
    producer.close();
    context.close();
  }
}
