package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.RetriesPaused;
import dev.redrive.avro.RetriesUnpaused;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.coordinator.app.CoordinatorEvents;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pausing retries on a real broker and PostgreSQL: a paused pipeline's retries are decided and
 * audited but their commands wait until the pause ends; other pipelines go on; bad requests are
 * 400s naming what to change.
 */
class RetryPauseIT {

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            "redrive.coordinator.policy.jitter=NONE",
            "redrive.coordinator.policy.max-attempts=3");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void shouldHoldAPausedPipelinesRetriesUntilTheEndOfThePauseAndLetOthersGoOn() throws Exception {
    String pipeline = "ledger-" + UUID.randomUUID();
    Answer paused =
        coordinator.post(
            "/api/v1/pauses",
            """
            {"pipeline": "%s", "reason": "database migration", "requestedBy": "alice"}"""
                .formatted(pipeline));
    assertThat(paused.status()).as(String.valueOf(paused.body())).isEqualTo(201);
    assertThat(paused.body().path("message").asString())
        .isEqualTo("Paused retries of pipeline " + pipeline);
    Answer again =
        coordinator.post(
            "/api/v1/pauses",
            """
            {"pipeline": "%s", "reason": "again"}"""
                .formatted(pipeline));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("reason").asString()).isEqualTo("database migration");

    String held = "exec-held-" + UUID.randomUUID();
    String free = "exec-free-" + UUID.randomUUID();
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        held,
        TestEvents.failure(held, "billing", pipeline, "charge", 1, Retryability.SOFT));
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        free,
        TestEvents.failure(free, "billing", "other-" + pipeline, "charge", 1, Retryability.SOFT));

    // decided and audited, but the command waits
    assertThat(payloads(RedriveTopics.DECISIONS.name(), held, 2))
        .anySatisfy(d -> assertThat(d).isInstanceOf(RetryScheduled.class));
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), free, 1)).hasSize(1);
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), held, 0)).isEmpty();
    Answer execution = coordinator.get("/api/v1/executions/" + held);
    assertThat(execution.body().path("status").asString()).isEqualTo("RETRY_SCHEDULED");
    assertThat(execution.body().path("retriesPaused").get(0).path("reason").asString())
        .isEqualTo("database migration");
    Answer pauses = coordinator.get("/api/v1/pauses");
    assertThat(pauses.body().findValues("heldCommands").stream().mapToLong(n -> n.asLong()).sum())
        .isEqualTo(1);
    RetriesPaused audited =
        only(
            payloads(RedriveTopics.DECISIONS.name(), CoordinatorEvents.PAUSES_KEY, 1),
            RetriesPaused.class,
            pipeline);
    assertThat(audited.getRequestedBy()).isEqualTo("alice");

    Answer released =
        coordinator.post(
            "/api/v1/pauses/release",
            """
            {"pipeline": "%s", "stagger": "PT0.1S", "note": "migration done", "requestedBy": "bob"}"""
                .formatted(pipeline));
    assertThat(released.status()).as(String.valueOf(released.body())).isEqualTo(200);
    assertThat(released.body().path("releasedCommands").asLong()).isEqualTo(1);
    List<Object> commands = kafka.read(RedriveTopics.COMMANDS.name(), held, 1);
    assertThat(((CommandEvent) commands.get(0)).getPayload()).isInstanceOf(RetryCommand.class);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                payloads(RedriveTopics.DECISIONS.name(), CoordinatorEvents.PAUSES_KEY, 2).stream()
                    .anyMatch(
                        p ->
                            p instanceof RetriesUnpaused u
                                && pipeline.equals(u.getPipeline())
                                && "bob".equals(u.getRequestedBy())
                                && u.getReleasedCommands() == 1));
    assertThat(
            coordinator
                .post("/api/v1/pauses/release", "{\"pipeline\": \"%s\"}".formatted(pipeline))
                .status())
        .isEqualTo(404);
  }

  @Test
  void shouldHoldOnlyThePausedExecutionsRetryAndAuditItOnItsOwnTimeline() throws Exception {
    String pipeline = "ledger-" + UUID.randomUUID();
    String paused = "exec-paused-" + UUID.randomUUID();
    String free = "exec-free-" + UUID.randomUUID();
    Answer pause =
        coordinator.post(
            "/api/v1/pauses",
            """
            {"executionId": "%s", "reason": "look at its data first"}"""
                .formatted(paused));
    assertThat(pause.status()).as(String.valueOf(pause.body())).isEqualTo(201);
    assertThat(only(payloads(RedriveTopics.DECISIONS.name(), paused, 1), RetriesPaused.class))
        .satisfies(p -> assertThat(p.getScope()).isEqualTo("execution"));

    for (String id : List.of(paused, free)) {
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          id,
          TestEvents.failure(id, "billing", pipeline, "charge", 1, Retryability.SOFT));
    }

    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), free, 1)).hasSize(1);
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), paused, 0)).isEmpty();
    Answer released =
        coordinator.post("/api/v1/pauses/release", "{\"executionId\": \"%s\"}".formatted(paused));
    assertThat(released.body().path("releasedCommands").asLong()).isEqualTo(1);
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), paused, 1)).hasSize(1);
  }

  @Test
  void shouldAnswer400NamingWhatToChange() throws Exception {
    assertBadRequest("/api/v1/pauses", "{\"reason\": \"x\"}", "scope");
    assertBadRequest(
        "/api/v1/pauses",
        "{\"pipeline\": \"p\", \"executionId\": \"e\", \"reason\": \"x\"}",
        "scope");
    assertBadRequest("/api/v1/pauses", "{\"pipeline\": \"p\"}", "reason");
    assertBadRequest(
        "/api/v1/pauses", "{\"all\": true, \"phase\": \"b\", \"reason\": \"x\"}", "phase");
    assertBadRequest("/api/v1/pauses/release", "{\"all\": true, \"stagger\": \"PT2H\"}", "stagger");
    Answer tooLong =
        coordinator.post(
            "/api/v1/pauses", "{\"all\": true, \"reason\": \"%s\"}".formatted("x".repeat(70_000)));
    assertThat(tooLong.status()).isEqualTo(413);
    assertThat(tooLong.body().path("field").asString()).isEqualTo("reason");
    Answer noToken = coordinator.post("/api/v1/pauses", "{\"all\": true, \"reason\": \"x\"}", null);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(coordinator.get("/api/v1/pauses").body().size()).isZero();
  }

  private static void assertBadRequest(String path, String body, String field) throws Exception {
    Answer answer = coordinator.post(path, body);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo(field);
  }

  private static List<Object> payloads(String topic, String key, int expected) {
    return kafka.read(topic, key, expected).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .toList();
  }

  private static <T> T only(List<Object> payloads, Class<T> type) {
    return payloads.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  private static RetriesPaused only(
      List<Object> payloads, Class<RetriesPaused> type, String pipeline) {
    return payloads.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(p -> pipeline.equals(p.getPipeline()))
        .findFirst()
        .orElseThrow();
  }
}
