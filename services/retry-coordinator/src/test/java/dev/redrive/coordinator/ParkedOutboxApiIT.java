package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.support.outbox.OutboxRelay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's parked outbox rows over REST, on a real broker and PostgreSQL: a row the broker
 * refuses is parked and listed; re-queueing it takes the api token.
 */
class ParkedOutboxApiIT {

  /** Takes records of at most 2,000 bytes. */
  private static final String SMALL_TOPIC = "coordinator-it-small-records";

  private static CoordinatorUnderTest coordinator;

  @BeforeAll
  static void start() throws Exception {
    coordinator = new CoordinatorUnderTest();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                coordinator.infrastructure.kafkaBootstrapServers()))) {
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
  }

  @AfterAll
  static void stop() {
    coordinator.close();
  }

  @Test
  void shouldListAParkedRowAndRequeueItOnlyWithTheToken() throws Exception {
    // given a row that the broker refuses
    String key = "exec-parked-" + UUID.randomUUID();
    coordinator
        .jdbc()
        .sql(
            """
            INSERT INTO outbox (topics, message_keys, event_ids, event_types, payloads, due_at)
            VALUES (ARRAY[?], ARRAY[?], ARRAY[?], ARRAY['Probe'], ARRAY[?::bytea], now())""")
        .param(SMALL_TOPIC)
        .param(key)
        .param(UUID.randomUUID().toString())
        .param(incompressible(5_000))
        .update();
    coordinator.context().getBean(OutboxRelay.class).wakeUp();

    // then it is parked and listed without a token (a read)
    Answer listing =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> coordinator.get("/api/v1/outbox/parked"),
                a -> a.body().path("total").asInt() == 1);
    assertThat(listing.status()).isEqualTo(200);
    long id = listing.body().path("rows").get(0).path("id").asLong();
    assertThat(listing.body().path("rows").get(0).path("keys").get(0).asString()).isEqualTo(key);
    assertThat(listing.body().path("rows").get(0).path("cause").asString())
        .contains("RecordTooLargeException");

    // a re-queue needs the token
    String path = "/api/v1/outbox/parked/" + id + "/requeue";
    assertThat(coordinator.post(path, "", null).status()).isEqualTo(401);
    assertThat(coordinator.post(path, "", "wrong").status()).isEqualTo(401);
    assertThat(coordinator.get("/api/v1/outbox/parked").body().path("total").asInt()).isEqualTo(1);

    // with it, the row goes back into the outbox (and, still too large, is parked again)
    Answer requeued = coordinator.post(path, "");
    assertThat(requeued.status()).isEqualTo(200);
    assertThat(requeued.body().path("requeued").get(0).asLong()).isEqualTo(id);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                coordinator
                    .jdbc()
                    .sql(
                        "SELECT attempts FROM outbox_parked WHERE id = ? AND parked_at > now() - interval '10 seconds'")
                    .param(id)
                    .query(Integer.class)
                    .optional()
                    .isPresent());
    assertThat(coordinator.post("/api/v1/outbox/parked/999999/requeue", "").status())
        .isEqualTo(404);
    assertThat(coordinator.get("/api/v1/outbox/parked?limit=0").status()).isEqualTo(400);
  }

  /** Random bytes: the relay compresses its batches, and zeros would fit the small topic. */
  private static byte[] incompressible(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
