package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.RedriveInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The coordinator alone on a real broker and a real PostgreSQL, fed the AttemptFailed events any
 * system may publish on redrive.attempts.
 */
class AttemptHandlingIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
  private static final String REGISTRY = "mock://coordinator-it-" + UUID.randomUUID();

  private static ConfigurableApplicationContext coordinator;
  private static KafkaProducer<String, Object> producer;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        RetryCoordinatorApplication.builder()
            .run(
                "--spring.datasource.url=" + infrastructure.createDatabase("coordinator_it"),
                "--spring.datasource.username=" + infrastructure.jdbcUser(),
                "--spring.datasource.password=" + infrastructure.jdbcPassword(),
                "--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + REGISTRY,
                "--spring.kafka.consumer.group-id=coordinator-it-" + UUID.randomUUID(),
                "--server.port=0",
                "--redrive.coordinator.api-token=attempt-handling-it",
                "--redrive.coordinator.policy.initial-interval=100ms",
                "--redrive.kafka.handler-retry-interval=100ms");
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", REGISTRY), false);
    producer = new KafkaProducer<>(properties, new StringSerializer(), serializer);
  }

  @AfterAll
  static void stop() {
    producer.close();
    coordinator.close();
  }

  @Test
  void externalFailureGetsOneRetryCommandWithItsContextThenPausesOnTheSecond() throws Exception {
    String executionId = "billing-" + UUID.randomUUID();

    // when another system reports a first soft failure
    send(failure(executionId, "attempt-1", 1, Retryability.SOFT));

    // then exactly one retry command carries the failure as context
    List<CommandEvent> commands = commandsFor(executionId, 1);
    RetryCommand retry = (RetryCommand) commands.get(0).getPayload();
    assertThat(retry.getPhase()).isEqualTo("charge");
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    assertThat(retry.getContext().getPriorAttempts())
        .singleElement()
        .satisfies(
            prior -> {
              assertThat(prior.getFailureType()).isEqualTo(FailureType.EXIT_CRITERIA_NOT_MET);
              assertThat(prior.getFailedChecks())
                  .extracting(CheckResult::getName)
                  .containsExactly("balance");
            });
    List<Object> decisions = decisionsFor(executionId, 2);
    assertThat(decisions)
        .hasAtLeastOneElementOfType(RetryScheduled.class)
        .hasAtLeastOneElementOfType(RetryContextAssembled.class);
    assertThat(row(executionId)).containsEntry("status", "RETRY_SCHEDULED");

    // when the retried attempt fails too
    send(failure(executionId, "attempt-2", 2, Retryability.SOFT));

    // then the execution is paused for a person, with no further command
    InterventionRequired intervention =
        (InterventionRequired)
            decisionsFor(executionId, 3).stream()
                .filter(InterventionRequired.class::isInstance)
                .findFirst()
                .orElseThrow();
    assertThat(intervention.getReason()).isEqualTo("attempts exhausted (2/2)");
    assertThat(row(executionId)).containsEntry("status", "PAUSED");
    assertThat(commandsFor(executionId, 1)).hasSize(1);
  }

  @Test
  void duplicateFailureEventsAreCountedOnceAndSendOneCommand() throws Exception {
    String executionId = "dup-" + UUID.randomUUID();
    AttemptEvent original = failure(executionId, "attempt-1", 1, Retryability.SOFT);
    AttemptEvent sameAttemptOtherEventId =
        AttemptEvent.newBuilder(original).setEventId(UUID.randomUUID().toString()).build();

    send(original);
    send(original);
    send(sameAttemptOtherEventId);

    assertThat(commandsFor(executionId, 1)).hasSize(1);
    assertThat(failedAttempts(executionId)).isEqualTo(1);
  }

  @Test
  void hardFailureGoesStraightToAPersonWithoutARetry() throws Exception {
    String executionId = "hard-" + UUID.randomUUID();

    send(failure(executionId, "attempt-1", 1, Retryability.HARD));

    assertThat(decisionsFor(executionId, 1))
        .singleElement()
        .isInstanceOf(InterventionRequired.class);
    assertThat(row(executionId)).containsEntry("status", "PAUSED");
    assertThat(commandsFor(executionId, 0)).isEmpty();
  }

  @Test
  void invalidFailureGoesToTheDeadLetterTopicWithTheReason() throws Exception {
    String executionId = "invalid-" + UUID.randomUUID();
    AttemptEvent invalid = failure(executionId, "attempt-1", 0, Retryability.SOFT);

    send(invalid);

    ConsumerRecord<String, byte[]> dead =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> firstWithKey(RedriveTopics.ATTEMPTS.deadLetterTopic(), executionId),
                r -> r != null);
    assertThat(
            new String(
                dead.headers().lastHeader(RedriveHeaders.DLT_REASON).value(),
                StandardCharsets.UTF_8))
        .contains("attempts count from 1");
    assertThat(commandsFor(executionId, 0)).isEmpty();
  }

  private static AttemptEvent failure(
      String executionId, String attemptId, int attemptNumber, Retryability retryable) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("billing")
        .setPipeline("payments")
        .setPayload(
            AttemptFailed.newBuilder()
                .setAttemptId(executionId + "-" + attemptId)
                .setPhase("charge")
                .setAttemptNumber(attemptNumber)
                .setFailureType(FailureType.EXIT_CRITERIA_NOT_MET)
                .setRetryable(retryable)
                .setErrorType("check failed")
                .setErrorMessage("balance check failed")
                .setChecks(
                    List.of(
                        CheckResult.newBuilder()
                            .setName("balance")
                            .setPassed(false)
                            .setOutputExcerpt("-3.00")
                            .build(),
                        CheckResult.newBuilder().setName("currency").setPassed(true).build()))
                .build())
        .build();
  }

  private static void send(AttemptEvent event) throws Exception {
    producer
        .send(new ProducerRecord<>(RedriveTopics.ATTEMPTS.name(), event.getExecutionId(), event))
        .get();
  }

  private static Map<String, Object> row(String executionId) {
    JdbcClient jdbc = coordinator.getBean(JdbcClient.class);
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.sql("SELECT status FROM execution WHERE execution_id = ?")
                    .param(executionId)
                    .query()
                    .listOfRows(),
            rows -> !rows.isEmpty())
        .get(0);
  }

  private static int failedAttempts(String executionId) {
    return coordinator
        .getBean(JdbcClient.class)
        .sql("SELECT failed_attempts FROM phase_counter WHERE execution_id = ?")
        .param(executionId)
        .query(Integer.class)
        .single();
  }

  /** Reads the topic until {@code expected} commands for the execution arrived, then 2 s more. */
  private static List<CommandEvent> commandsFor(String executionId, int expected) {
    return read(RedriveTopics.COMMANDS.name(), executionId, expected).stream()
        .map(CommandEvent.class::cast)
        .toList();
  }

  private static List<Object> decisionsFor(String executionId, int expected) {
    return read(RedriveTopics.DECISIONS.name(), executionId, expected).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .toList();
  }

  private static List<Object> read(String topic, String key, int expected) {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(
        Map.of("schema.registry.url", REGISTRY, "specific.avro.reader", true), false);
    List<Object> found = new ArrayList<>();
    try (KafkaConsumer<String, Object> consumer =
        new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), deserializer)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                poll(consumer, key, found);
                return found.size() >= expected;
              });
      long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < settle) {
        poll(consumer, key, found);
      }
    }
    return found;
  }

  private static void poll(KafkaConsumer<String, Object> consumer, String key, List<Object> into) {
    for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
      if (key.equals(record.key())) {
        into.add(record.value());
      }
    }
  }

  private static ConsumerRecord<String, byte[]> firstWithKey(String topic, String key) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < 10; i++) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
          if (key.equals(record.key())) {
            return record;
          }
        }
      }
      return null;
    }
  }

  private static Properties consumerProperties() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "coordinator-it-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return properties;
  }
}
