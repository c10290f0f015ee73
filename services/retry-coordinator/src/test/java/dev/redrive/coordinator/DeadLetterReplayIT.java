package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.DeadLettersReplayed;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import tools.jackson.databind.JsonNode;

/**
 * Dead letters on a real broker and PostgreSQL: a record the coordinator cannot store is
 * dead-lettered, listed, shown, dry-run, replayed while the cause is still there (and re-parked
 * with its replay count), not replayed twice by accident, and handled once the cause is mended; a
 * bad record that two groups read is dead-lettered once; bad requests are 4xx naming the field.
 */
class DeadLetterReplayIT {

  private static final String ATTEMPTS = RedriveTopics.ATTEMPTS.name();

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator = new CoordinatorUnderTest("redrive.coordinator.dead-letters.size-interval=1s");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void aRecordIsDeadLetteredListedDryRunReplayedReparkedAndHandledOnceItsCauseIsMended()
      throws Exception {
    // given a database that refuses this execution (a check constraint: not the record's fault,
    // and not an outage, so it is retried twice and dead-lettered)
    String execution = "dlt-blocked-" + UUID.randomUUID();
    coordinator
        .jdbc()
        .sql(
            "ALTER TABLE execution ADD CONSTRAINT dlt_blocked"
                + " CHECK (execution_id NOT LIKE 'dlt-blocked-%')")
        .update();
    kafka.send(
        ATTEMPTS,
        execution,
        TestEvents.failure(execution, "billing", "ledger", "charge", 1, Retryability.SOFT));

    // when it is dead-lettered, it is listed with its reason and group, and shown decoded
    List<JsonNode> letters = awaitLetters(execution, 1);
    JsonNode letter = letters.get(0);
    assertThat(letter.path("reason").asString()).contains("dlt_blocked");
    assertThat(letter.path("group").asString()).isEqualTo("coordinator-attempts");
    assertThat(letter.path("originalTopic").asString()).isEqualTo(ATTEMPTS);
    assertThat(letter.path("replayCount").asInt()).isZero();
    String first = letter.path("coordinates").asString();
    Answer shown = coordinator.get("/api/v1/dead-letters/" + first);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.body().path("value").path("encoding").asString()).isEqualTo("avro");
    assertThat(shown.body().path("value").path("json").path("executionId").asString())
        .isEqualTo(execution);
    assertThat(shown.body().path("headers").toString()).contains("redrive-dlt-reason");

    // the dry run says what would happen and sends nothing
    String selection =
        "\"topic\": \"%s\", \"key\": \"%s\", \"requestedBy\": \"alice\""
            .formatted(ATTEMPTS, execution);
    Answer dryRun =
        coordinator.post(
            "/api/v1/dead-letters/replay", "{%s, \"dryRun\": true}".formatted(selection));
    assertThat(dryRun.status()).as(String.valueOf(dryRun.body())).isEqualTo(200);
    assertThat(dryRun.body().path("replayed").asInt()).isEqualTo(1);
    assertThat(dryRun.body().path("letters").get(0).path("outcome").asString())
        .isEqualTo("WOULD_REPLAY");
    assertThat(awaitLetters(execution, 1).get(0).path("replays").asInt()).isZero();

    // replayed while the cause is still there, it fails again and is re-parked with its count
    Answer replayed =
        coordinator.post(
            "/api/v1/dead-letters/replay",
            "{%s, \"ratePerSecond\": 5, \"note\": \"try once more\"}".formatted(selection));
    assertThat(replayed.body().path("replayed").asInt())
        .as(replayed.body().toString())
        .isEqualTo(1);
    letters = awaitLetters(execution, 2);
    assertThat(letters.get(0).path("replays").asInt()).isEqualTo(1);
    assertThat(letters.get(1).path("replayCount").asInt()).isEqualTo(1);
    String reparked = letters.get(1).path("coordinates").asString();

    // the same selection again sends nothing: one was replayed, the other is re-parked
    Answer again = coordinator.post("/api/v1/dead-letters/replay", "{%s}".formatted(selection));
    assertThat(again.body().path("replayed").asInt()).isZero();
    List<String> details = new java.util.ArrayList<>();
    again.body().path("letters").forEach(l -> details.add(l.path("detail").asString()));
    assertThat(details).containsExactly("ALREADY_REPLAYED", "REPARKED");

    // once the cause is mended, the re-parked letter named by its coordinates is handled
    coordinator.jdbc().sql("ALTER TABLE execution DROP CONSTRAINT dlt_blocked").update();
    Answer named =
        coordinator.post(
            "/api/v1/dead-letters/replay",
            "{\"coordinates\": [\"%s\"], \"requestedBy\": \"bob\"}".formatted(reparked));
    assertThat(named.body().path("letters").get(0).path("replayCount").asInt()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> coordinator.get("/api/v1/executions/" + execution).status() == 200);
    assertThat(coordinator.get("/api/v1/dead-letters?key=" + execution).body().path("deadLetters"))
        .hasSize(2);

    // then every replay is a decision for the audit trail, and counted
    List<Object> decisions = kafka.read(RedriveTopics.DECISIONS.name(), "redrive-dead-letters", 4);
    List<DeadLettersReplayed> replays =
        decisions.stream()
            .map(d -> (DeadLettersReplayed) ((DecisionEvent) d).getPayload())
            .filter(
                r -> r.getSelection().contains(execution) || r.getSelection().contains(reparked))
            .toList();
    assertThat(replays)
        .extracting(DeadLettersReplayed::getDryRun)
        .containsExactly(true, false, false, false);
    assertThat(replays.get(1).getNote()).isEqualTo("try once more");
    assertThat(replays.get(1).getRequestedBy()).isEqualTo("alice");
    assertThat(replays.get(3).getRequestedBy()).isEqualTo("bob");
    MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
    assertThat(meters.get("redrive.dlt.replayed").tag("topic", ATTEMPTS).counter().count())
        .isEqualTo(2.0);
    assertThat(meters.get("redrive.dlt.reparked").tag("topic", ATTEMPTS).counter().count())
        .isEqualTo(1.0);
    assertThat(
            meters
                .get("redrive.dlt.replay.skipped")
                .tag("topic", ATTEMPTS)
                .tag("reason", "reparked")
                .counter()
                .count())
        .isEqualTo(1.0);
    await()
        .atMost(Duration.ofSeconds(40))
        .until(
            () ->
                meters.get("redrive.dlt.letters").tag("topic", ATTEMPTS + ".DLT").gauge().value()
                    >= 2);
  }

  @Test
  void aBadRecordThatTwoGroupsReadIsDeadLetteredOnceByTheGroupThatOwnsTheTopic() throws Exception {
    // given a second group on the attempts topic (as the audit is), with the shared error handler,
    // which finds the poison record invalid too
    String poison = "poison-" + UUID.randomUUID();
    MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
    Map<String, Object> config = new HashMap<>();
    config.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        coordinator.infrastructure.kafkaBootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-events");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ContainerProperties properties = new ContainerProperties(ATTEMPTS);
    properties.setMessageListener(
        (MessageListener<String, byte[]>)
            record -> {
              if (poison.equals(record.key())) {
                throw new InvalidEventException("not an Avro record");
              }
            });
    var audit =
        new ConcurrentMessageListenerContainer<>(
            new DefaultKafkaConsumerFactory<>(
                config, new StringDeserializer(), new ByteArrayDeserializer()),
            properties);
    audit.setCommonErrorHandler(coordinator.context().getBean(CommonErrorHandler.class));
    audit.setBeanName("audit-like");
    audit.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !audit.getAssignedPartitions().isEmpty());

      // when a record that is not Avro arrives
      kafka.sendRaw(ATTEMPTS, poison, "{not avro}".getBytes(StandardCharsets.UTF_8));

      // then the other group counts it and leaves it to the owner, which dead-letters it once
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  meters.find("redrive.dlt.deferred").tag("group", "audit-events").counter() != null
                      && meters
                              .get("redrive.dlt.deferred")
                              .tag("group", "audit-events")
                              .counter()
                              .count()
                          >= 1);
      List<JsonNode> letters = awaitLetters(poison, 1);
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).path("group").asString()).isEqualTo("coordinator-attempts");
      assertThat(letters.get(0).path("reason").asString()).isNotBlank();
      Answer shown =
          coordinator.get("/api/v1/dead-letters/" + letters.get(0).path("coordinates").asString());
      assertThat(shown.body().path("value").path("encoding").asString()).isEqualTo("base64");
      assertThat(shown.body().path("value").path("size").asInt()).isEqualTo(10);
    } finally {
      audit.stop();
    }
  }

  @Test
  void badRequestsAreRefusedNamingTheFieldAndTheReplayNeedsTheToken() throws Exception {
    Map<String, String> listings =
        Map.of(
            "/api/v1/dead-letters?topc=redrive.attempts", "topc",
            "/api/v1/dead-letters?limit=501", "limit",
            "/api/v1/dead-letters?topic=secrets", "topic",
            "/api/v1/dead-letters?from=yesterday", "from",
            "/api/v1/dead-letters?after=bm90LWEtY3Vyc29y", "after",
            "/api/v1/dead-letters/secrets.DLT/0/1", "coordinates");
    for (var listing : listings.entrySet()) {
      Answer answer = coordinator.get(listing.getKey());
      assertThat(answer.status()).as(listing.getKey()).isEqualTo(400);
      assertThat(answer.body().path("field").asString())
          .as(listing.getKey())
          .isEqualTo(listing.getValue());
    }
    assertThat(coordinator.get("/api/v1/dead-letters/redrive.attempts.DLT/0/999999999").status())
        .isEqualTo(404);
    for (String parameter : List.of("reason", "key")) {
      Answer tooLong =
          coordinator.get("/api/v1/dead-letters?%s=%s".formatted(parameter, "x".repeat(300)));
      assertThat(tooLong.status()).as(parameter).isIn(400, 413);
      assertThat(tooLong.body().path("field").asString()).isEqualTo(parameter);
    }

    String many =
        String.join(",", java.util.Collections.nCopies(101, "\"redrive.attempts.DLT/0/1\""));
    Map<String, String> replays =
        Map.of(
            "{\"dryRun\": true}",
            "selection",
            "{\"topic\": \"redrive.attempts\", \"ratePerSecond\": 1001}",
            "ratePerSecond",
            "{\"topic\": \"redrive.attempts\", \"ratePerSecond\": 0}",
            "ratePerSecond",
            "{\"topic\": \"redrive.attempts\", \"limit\": 1001}",
            "limit",
            "{\"coordinates\": [" + many + "]}",
            "coordinates",
            "{\"coordinates\": [\"redrive.attempts.DLT/zero/1\"]}",
            "coordinates",
            "{\"topic\": \"redrive.attempts\", \"requestedBy\": \"eve\\nadmin\"}",
            "requestedBy",
            "{\"topic\": \"redrive.attempts\", \"replayAll\": true}",
            "replayAll");
    for (var replay : replays.entrySet()) {
      Answer answer = coordinator.post("/api/v1/dead-letters/replay", replay.getKey());
      assertThat(answer.status()).as(replay.getKey()).isEqualTo(400);
      assertThat(answer.body().path("field").asString())
          .as(replay.getKey())
          .isEqualTo(replay.getValue());
    }
    Answer longNote =
        coordinator.post(
            "/api/v1/dead-letters/replay",
            "{\"topic\": \"redrive.attempts\", \"note\": \"%s\"}".formatted("x".repeat(17_000)));
    assertThat(longNote.status()).isEqualTo(413);
    assertThat(longNote.body().path("field").asString()).isEqualTo("note");
    Answer missing =
        coordinator.post(
            "/api/v1/dead-letters/replay",
            "{\"coordinates\": [\"redrive.attempts.DLT/0/999999999\"], \"dryRun\": true}");
    assertThat(missing.status()).isEqualTo(404);
    Answer anonymous =
        coordinator.post("/api/v1/dead-letters/replay", "{\"topic\": \"redrive.attempts\"}", null);
    assertThat(anonymous.status()).isEqualTo(401);
  }

  /** The dead letters with this key, waiting until there are {@code count}. */
  private static List<JsonNode> awaitLetters(String key, int count) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Answer answer = coordinator.get("/api/v1/dead-letters?key=" + key);
              assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
              List<JsonNode> found = new java.util.ArrayList<>();
              answer.body().path("deadLetters").forEach(found::add);
              return found;
            },
            found -> found.size() >= count);
  }
}
