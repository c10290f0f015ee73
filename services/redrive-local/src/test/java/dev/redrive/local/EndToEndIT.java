package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.RedriveInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole loop on a real KRaft broker and a real PostgreSQL: all three services, one broker, one
 * database. A phase fails, the coordinator counts it and sends a retry command with the assembled
 * context, the runner runs the phase again with that context, it succeeds, and the audit trail has
 * every event once.
 */
class EndToEndIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RedriveInfrastructure infrastructure;
  private static RedriveCluster cluster;
  private static String registryUrl;
  private static String runner;
  private static String coordinator;
  private static String audit;

  @BeforeAll
  static void startRedrive() throws Exception {
    infrastructure = RedriveInfrastructure.shared();
    registryUrl = infrastructure.schemaRegistryUrl();
    cluster =
        RedriveCluster.start(
            new RedriveCluster.Settings(
                infrastructure.kafkaBootstrapServers(),
                infrastructure.createDatabase("e2e"),
                infrastructure.jdbcUser(),
                infrastructure.jdbcPassword(),
                registryUrl,
                Files.createTempDirectory("redrive-e2e"),
                new int[] {0, 0, 0},
                Map.of(
                    "redrive.coordinator.policy.initial-interval", "200ms",
                    "redrive.kafka.handler-retry-interval", "100ms")));
    runner = "http://localhost:" + RedriveCluster.port(cluster.runner());
    coordinator = "http://localhost:" + RedriveCluster.port(cluster.coordinator());
    audit = "http://localhost:" + RedriveCluster.port(cluster.audit());
  }

  @AfterAll
  static void stopRedrive() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void failedPhaseSucceedsOnTheRetryThatCarriesItsContext() throws Exception {
    // given the demo pipeline, whose "build" phase fails unless its context file shows a failure
    // when
    String executionId = start("demo");

    // then the coordinator sees the execution through to the end
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(
                        get(coordinator + "/api/v1/executions/" + executionId)
                            .path("status")
                            .asString()));

    // the retry command carried the context of the first attempt
    RetryCommand retry = onlyRetryCommandFor(executionId);
    assertThat(retry.getPhase()).isEqualTo("build");
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    assertThat(retry.getMaxAttempts()).isEqualTo(2);
    RetryContext context = retry.getContext();
    assertThat(context.getCurrentAttempt()).isEqualTo(2);
    assertThat(context.getPriorAttempts()).hasSize(1);
    var prior = context.getPriorAttempts().get(0);
    assertThat(prior.getAttemptNumber()).isEqualTo(1);
    assertThat(prior.getFailureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(prior.getExitCode()).isEqualTo(3);
    assertThat(prior.getMessage()).contains("cannot find module 'data'");
    assertThat(prior.getArtifactsLocation()).isEqualTo("artifacts/_failed/build/attempt-1/");
    assertThat(context.getGuidance()).contains("Attempt 1 failed with COMMAND_FAILED");

    // the coordinator counted one failure of "build" and shows both attempts
    JsonNode execution = get(coordinator + "/api/v1/executions/" + executionId);
    assertThat(execution.path("failedAttemptsByPhase").path("build").asInt()).isEqualTo(1);
    List<String> buildOutcomes = new ArrayList<>();
    for (JsonNode attempt : execution.path("attempts")) {
      if ("build".equals(attempt.path("phase").asString())) {
        buildOutcomes.add(attempt.path("outcome").asString());
      }
    }
    assertThat(buildOutcomes).containsExactly("FAILED", "SUCCEEDED");

    // the second attempt's context is served by the API
    String secondAttemptId = execution.path("attempts").get(2).path("attemptId").asString();
    JsonNode inspected = get(coordinator + "/api/v1/attempts/" + secondAttemptId + "?context=true");
    assertThat(
            inspected.path("context").path("priorAttempts").get(0).path("failureType").asString())
        .isEqualTo("COMMAND_FAILED");

    // the runner's workspace: the result, the archived first attempt, its report, the context file
    Path workspace = workspaceOf(executionId);
    assertThat(workspace.resolve("artifacts/build/result.txt")).content().contains("source data");
    assertThat(workspace.resolve("artifacts/_failed/build/attempt-1/error.log"))
        .content()
        // the demo's build phase declares no max-attempts, so the runner cannot know the bound of
        // its first attempt (the coordinator's policy decides it): "Attempt: 1", not "1/2"
        .contains("ERROR REPORT", "Stage: build", "Attempt: 1\n", "Error Type: COMMAND_FAILED");
    assertThat(workspace.resolve(".redrive/context-build-attempt-2.json"))
        .content()
        .contains("COMMAND_FAILED", "cannot find module");

    // and the audit trail has every event exactly once, in causal order
    List<String> types =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> timelineTypes(executionId), t -> t.contains("ExecutionSucceeded"));
    assertThat(types)
        .containsExactlyInAnyOrder(
            "ExecutionStarted",
            "AttemptStarted",
            "PhaseStarted",
            "AttemptSucceeded",
            "CheckpointCreated",
            "AttemptStarted",
            "PhaseStarted",
            "AttemptFailed",
            "RetryScheduled",
            "RetryContextAssembled",
            "RetryCommand",
            "AttemptStarted",
            "PhaseStarted",
            "AttemptSucceeded",
            "CheckpointCreated",
            "ExecutionSucceeded");
    assertThat(types.indexOf("AttemptFailed")).isLessThan(types.indexOf("RetryScheduled"));
    assertThat(types.indexOf("RetryCommand")).isLessThan(types.lastIndexOf("AttemptStarted"));
    assertThat(types.get(types.size() - 1)).isEqualTo("ExecutionSucceeded");
    JsonNode timeline = get(audit + "/api/v1/executions/" + executionId + "/events");
    var ids = new HashSet<String>();
    timeline.forEach(e -> ids.add(e.path("eventId").asString()));
    assertThat(ids).hasSize(timeline.size());
  }

  @Test
  void phaseThatAlwaysFailsIsPausedForAPersonAfterTwoAttempts() throws Exception {
    String executionId = start("always-fails");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "PAUSED"
                    .equals(
                        get(coordinator + "/api/v1/executions/" + executionId + "/status")
                            .path("status")
                            .asString()));

    JsonNode execution = get(coordinator + "/api/v1/executions/" + executionId);
    assertThat(execution.path("failedAttemptsByPhase").path("flaky").asInt()).isEqualTo(2);
    assertThat(execution.path("lastError").asString()).contains("COMMAND_FAILED");
    List<String> types =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> timelineTypes(executionId), t -> t.contains("InterventionRequired"));
    assertThat(types.stream().filter("AttemptFailed"::equals)).hasSize(2);
    assertThat(types.stream().filter("RetryCommand"::equals)).hasSize(1);
    JsonNode intervention = eventOfType(executionId, "InterventionRequired");
    assertThat(intervention.path("payload").path("payload").path("reason").asString())
        .isEqualTo("attempts exhausted: 2 failures counted, 2 attempts allowed");
    assertThat(intervention.path("payload").path("payload").path("recommendedAction").asString())
        .contains("redrive retry");
    // nothing runs again without a person: the runner has exactly two attempts of the phase
    JsonNode phases = get(runner + "/api/v1/executions/" + executionId + "/phases");
    assertThat(phases.path("attempts").size()).isEqualTo(2);
  }

  @Test
  void undecodableRecordGoesToTheDeadLetterTopicAndThePartitionKeepsMoving() throws Exception {
    String key = "poison-" + UUID.randomUUID();
    try (KafkaProducer<String, byte[]> producer = rawProducer()) {
      producer
          .send(
              new ProducerRecord<>(
                  RedriveTopics.ATTEMPTS.name(),
                  key,
                  "{not avro}".getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    ConsumerRecord<String, byte[]> dead =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> findByKey(RedriveTopics.ATTEMPTS.deadLetterTopic(), key), r -> r != null);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not avro}");
    assertThat(dead.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC)).isNotNull();
    Header reason = dead.headers().lastHeader(RedriveHeaders.DLT_REASON);
    assertThat(reason).isNotNull();
    assertThat(new String(reason.value(), StandardCharsets.UTF_8))
        .contains("Unknown magic byte 0x7b: not Confluent-framed Avro");

    // once, not once per group: the audit reads the topic too, counts the record and leaves it to
    // the coordinator, whose dead-letter listing has it once, ready for a replay (a dry run here)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(audit + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .anyMatch(
                        line ->
                            line.startsWith("redrive_dlt_deferred_total{")
                                && line.contains("topic=\"redrive.attempts\"")));
    JsonNode letters = get(coordinator + "/api/v1/dead-letters?key=" + key).path("deadLetters");
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).path("group").asString()).isEqualTo("coordinator-attempts");
    HttpResponse<String> dryRun =
        post(
            coordinator + "/api/v1/dead-letters/replay",
            "{\"key\": \"%s\", \"dryRun\": true, \"requestedBy\": \"e2e\"}".formatted(key));
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    assertThat(JSON.readTree(dryRun.body()).path("replayed").asInt()).isEqualTo(1);

    // and a good execution after it still runs through
    String executionId = start("demo");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(
                        get(coordinator + "/api/v1/executions/" + executionId + "/status")
                            .path("status")
                            .asString()));
  }

  @Test
  void personResumesAPausedExecutionFromItsPhaseWithAFreshCount() throws Exception {
    // given an execution paused after two failed attempts
    String executionId = start("always-fails");
    awaitStatus(executionId, "PAUSED");

    // when a person resumes it from the phase, resetting the count
    HttpResponse<String> response =
        post(
            coordinator + "/api/v1/executions/" + executionId + "/retry",
            "{\"fromPhase\": \"flaky\", \"resetCount\": true, \"note\": \"upstream is back\", \"requestedBy\": \"alice\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

    // then the runner rolls back and runs the phase again; with a fresh count it is retried once
    // more automatically, and pauses again
    List<String> types =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> timelineTypes(executionId),
                t -> t.stream().filter("InterventionRequired"::equals).count() == 2);
    assertThat(types).contains("AttemptCountReset", "RolledBack");
    assertThat(types.stream().filter("AttemptFailed"::equals)).hasSize(4);
    awaitStatus(executionId, "PAUSED");
  }

  @Test
  void personResubmitsAPausedExecutionAsANewOneWithTheSameInputs() throws Exception {
    // given an execution paused after two failed attempts
    String executionId = start("always-fails");
    awaitStatus(executionId, "PAUSED");

    // when a person asks for a new execution
    HttpResponse<String> response =
        post(
            coordinator + "/api/v1/executions/" + executionId + "/retry",
            "{\"mode\": \"RESUBMIT_AS_NEW\", \"requestedBy\": \"bob\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String newId = JSON.readTree(response.body()).path("executionId").asString();

    // then the runner starts it under the id the person was given, and it runs its phases
    awaitStatus(newId, "PAUSED");
    assertThat(timelineTypes(newId)).contains("ExecutionStarted");
    assertThat(get(coordinator + "/api/v1/executions/" + newId).path("resubmittedFrom").asString())
        .isEqualTo(executionId);
    assertThat(timelineTypes(executionId)).contains("ExecutionResubmitted");
  }

  private static void awaitStatus(String executionId, String status) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                status.equals(
                    get(coordinator + "/api/v1/executions/" + executionId + "/status")
                        .path("status")
                        .asString()));
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String start(String pipeline) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(runner + "/api/v1/executions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"pipeline\":\"" + pipeline + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).path("executionId").asString();
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static List<String> timelineTypes(String executionId) throws Exception {
    List<String> types = new ArrayList<>();
    get(audit + "/api/v1/executions/" + executionId + "/events")
        .forEach(e -> types.add(e.path("type").asString()));
    return types;
  }

  private static JsonNode eventOfType(String executionId, String type) throws Exception {
    for (JsonNode event : get(audit + "/api/v1/executions/" + executionId + "/events")) {
      if (type.equals(event.path("type").asString())) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " for " + executionId);
  }

  private static Path workspaceOf(String executionId) throws Exception {
    JsonNode phases = get(runner + "/api/v1/executions/" + executionId + "/phases");
    return Path.of(phases.path("execution").path("workspace").asString());
  }

  private static RetryCommand onlyRetryCommandFor(String executionId) {
    List<RetryCommand> commands = new ArrayList<>();
    try (KafkaConsumer<String, Object> consumer = avroConsumer()) {
      consumer.subscribe(List.of(RedriveTopics.COMMANDS.name()));
      long end = System.currentTimeMillis() + 5_000;
      while (System.currentTimeMillis() < end) {
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
          if (executionId.equals(record.key())
              && ((CommandEvent) record.value()).getPayload() instanceof RetryCommand retry) {
            commands.add(retry);
          }
        }
      }
    }
    assertThat(commands).as("retry commands for %s", executionId).hasSize(1);
    return commands.get(0);
  }

  private static ConsumerRecord<String, byte[]> findByKey(String topic, String key) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < 6; i++) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(record.key())) {
            return record;
          }
        }
      }
      return null;
    }
  }

  private static KafkaConsumer<String, Object> avroConsumer() {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    return new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), deserializer);
  }

  private static Properties consumerProperties() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return properties;
  }

  private static KafkaProducer<String, byte[]> rawProducer() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }
}
