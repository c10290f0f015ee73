package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.StartExecution;
import dev.redrive.support.outbox.OutboxRelay;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The runner's outbox as the last line of defence, on a real broker and a real PostgreSQL: an event
 * too large for Kafka is refused with 413 before anything is stored, and a row the broker refuses
 * is parked while the next execution's events flow, then listed and re-queued over REST.
 */
class OutboxLimitsIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  /** A topic that takes records of at most 2,000 bytes, lower than the outbox's limit. */
  private static final String SMALL_TOPIC = "runner-it-small-records";

  private static RunnerHarness runner;

  @BeforeAll
  static void startARunnerWithASmallOutboxLimit() throws Exception {
    // the start command below must reach this runner, the one with the small limit
    RunnerHarness.stopShared();
    try (Admin admin = admin()) {
      if (!admin.listTopics().names().get().contains(SMALL_TOPIC)) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(SMALL_TOPIC, 1, (short) 1)
                        .configs(Map.of("max.message.bytes", "2000"))))
            .all()
            .get();
      }
    }
    runner =
        RunnerHarness.start(
            "runner_outbox_it",
            "it-runner-outbox",
            1,
            Map.of("redrive.outbox.max-message-bytes", "8192"));
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  @Test
  void shouldAnswer413AndStoreNothingWhenAStartWouldMakeAnEventTooLargeForKafka() throws Exception {
    int executionsBefore = executions();
    List<Path> foldersBefore = workspaceFolders();

    HttpResponse<String> response =
        runner.post(
            "/api/v1/executions",
            """
            {"pipeline": "chain", "parameters": {"region": "%s"}}"""
                .formatted("x".repeat(20_000)));

    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode problem = RunnerHarness.json(response.body());
    assertThat(problem.path("detail").asString())
        .contains("ExecutionStarted of execution")
        .contains("over the outbox limit of 8,192 bytes")
        .contains("redrive.outbox.max-message-bytes");
    assertThat(problem.path("limit").asInt()).isEqualTo(8192);
    assertThat(executions()).as("the start rolled back").isEqualTo(executionsBefore);
    assertThat(workspaceFolders()).as("no workspace left behind").isEqualTo(foldersBefore);
    assertThat(
            jdbc()
                .sql("SELECT count(*) FROM outbox WHERE 'ExecutionStarted' = ANY(event_types)")
                .query(Integer.class)
                .single())
        .isZero();
  }

  @Test
  void shouldDeadLetterAStartCommandWhoseEventWouldBeTooLargeForKafka() {
    String executionId = "exec_big_" + UUID.randomUUID().toString().substring(0, 8);
    StartExecution start =
        StartExecution.newBuilder()
            .setCommandId(UUID.randomUUID().toString())
            .setPipeline("chain")
            .setParameters(Map.of("region", "x".repeat(20_000)))
            .setRequestedBy("test")
            .build();

    runner.send(RunnerHarness.command(executionId, start));

    assertThat(runner.awaitDeadLetter(executionId, "over the outbox limit of 8,192 bytes"))
        .contains("ExecutionStarted of execution " + executionId);
    assertThat(runner.workspaces().resolve(executionId))
        .as("no workspace left behind")
        .doesNotExist();
    assertThat(
            jdbc()
                .sql("SELECT count(*) FROM execution WHERE execution_id = ?")
                .param(executionId)
                .query(Integer.class)
                .single())
        .isZero();
  }

  @Test
  void shouldParkARowTheBrokerRefusesKeepPublishingAndSendItAgainWhenRequeued() throws Exception {
    // given a row that the broker refuses: its topic takes smaller records than the outbox allows
    String parkedKey = "exec-parked-" + UUID.randomUUID();
    jdbc()
        .sql(
            """
            INSERT INTO outbox (topics, message_keys, event_ids, event_types, payloads, due_at)
            VALUES (ARRAY[?], ARRAY[?], ARRAY[?], ARRAY['Probe'], ARRAY[?::bytea], now())""")
        .param(SMALL_TOPIC)
        .param(parkedKey)
        .param(UUID.randomUUID().toString())
        .param(incompressible(5_000))
        .update();
    runner.context().getBean(OutboxRelay.class).wakeUp();

    // when an execution starts after it
    String next = runner.start("chain", Map.of("region", "eu"));

    // then the row is parked and the next execution's events arrive
    runner.awaitEvents(next, ExecutionSucceeded.class, 1);
    JsonNode listing =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> runner.get("/api/v1/outbox/parked"), l -> l.path("total").asInt() == 1);
    JsonNode row = listing.path("rows").get(0);
    assertThat(row.path("keys").get(0).asString()).isEqualTo(parkedKey);
    assertThat(row.path("topics").get(0).asString()).isEqualTo(SMALL_TOPIC);
    assertThat(row.path("cause").asString()).contains("RecordTooLargeException");
    assertThat(row.path("attempts").asInt()).isEqualTo(2);
    assertThat(row.path("payloadBytes").get(0).asInt()).isEqualTo(5_000);
    MeterRegistry meters = runner.context().getBean(MeterRegistry.class);
    assertThat(meters.get("redrive.outbox.parked").gauge().value()).isEqualTo(1);
    assertThat(meters.get("redrive.outbox.parkings").counter().count()).isEqualTo(1);
    assertThat(runner.get("/api/v1/outbox/parked?limit=1001").path("detail").asString())
        .contains("limit must be between 1 and 1000");

    // when the topic takes larger records and the row is re-queued
    setMaxMessageBytes(1_000_000);
    try {
      long id = row.path("id").asLong();
      HttpResponse<String> requeued = runner.post("/api/v1/outbox/parked/" + id + "/requeue", "");

      // then it is sent, and no longer parked
      assertThat(requeued.statusCode()).isEqualTo(200);
      assertThat(RunnerHarness.json(requeued.body()).path("requeued").get(0).asLong())
          .isEqualTo(id);
      assertThat(readKey(SMALL_TOPIC, parkedKey).value()).hasSize(5_000);
      assertThat(runner.get("/api/v1/outbox/parked").path("total").asInt()).isZero();
      assertThat(runner.post("/api/v1/outbox/parked/" + id + "/requeue", "").statusCode())
          .isEqualTo(404);
    } finally {
      setMaxMessageBytes(2000);
    }
  }

  private static int executions() {
    return jdbc().sql("SELECT count(*) FROM execution").query(Integer.class).single();
  }

  private static JdbcClient jdbc() {
    return runner.context().getBean(JdbcClient.class);
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()));
  }

  private static void setMaxMessageBytes(int bytes) throws Exception {
    try (Admin admin = admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, SMALL_TOPIC),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", Integer.toString(bytes)),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }

  private static ConsumerRecord<String, byte[]> readKey(String topic, String key) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "runner-outbox-it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (key.equals(r.key())) {
                            found.add(r);
                          }
                        });
                return !found.isEmpty();
              });
    }
    return found.get(0);
  }

  /** Every folder under the workspace root, two levels deep (staging folders included). */
  private static List<Path> workspaceFolders() throws IOException {
    try (Stream<Path> folders = Files.walk(runner.workspaces(), 2)) {
      return folders.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** Random bytes: the relay compresses its batches, and zeros would fit the small topic. */
  private static byte[] incompressible(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
