package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.coordinator.app.whatif.WhatIfHistory;
import dev.redrive.coordinator.app.whatif.WhatIfQuery;
import dev.redrive.support.topic.RedriveTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/policies/what-if} on a real broker and PostgreSQL: failures decided by the
 * live coordinator, replayed under the policies in force (which reproduce what happened), a
 * stricter and a looser proposal; 400s naming the field, and the read token is enough.
 */
class WhatIfIT {

  private static final String READ = "what-if-read-token";
  private static final String PIPELINE = "whatif-" + UUID.randomUUID().toString().substring(0, 8);

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;
  private static Instant from;

  /**
   * Three executions of one phase under maxAttempts 3 without jitter: A fails three times (two
   * retries, then a pause), B declares maxAttempts 2, fails once and succeeds on its retry, C fails
   * HARD.
   */
  @BeforeAll
  static void decideSomeFailures() throws Exception {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.security.read-token=" + READ,
            "redrive.coordinator.policy.max-attempts=3",
            "redrive.coordinator.policy.jitter=none",
            "redrive.coordinator.policy.initial-interval=100ms");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
    from = Instant.now().minusSeconds(1);
    String a = PIPELINE + "-a";
    String b = PIPELINE + "-b";
    String c = PIPELINE + "-c";
    send(a, failure(a, 1, Retryability.SOFT));
    send(
        b,
        TestEvents.declaring(
            failure(b, 1, Retryability.SOFT),
            DeclaredPolicy.newBuilder().setMaxAttempts(2).build()));
    send(c, failure(c, 1, Retryability.HARD));
    awaitDecisions(3);
    send(a, failure(a, 2, Retryability.SOFT));
    send(b, succeeded(b, 2));
    awaitDecisions(4);
    send(a, failure(a, 3, Retryability.SOFT));
    awaitDecisions(5);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                coordinator
                        .jdbc()
                        .sql("SELECT count(*) FROM attempt WHERE outcome = 'SUCCEEDED'")
                        .query(Long.class)
                        .single()
                    == 1);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void shouldReproduceWhatHappenedUnderThePoliciesInForce() throws Exception {
    JsonNode answer = whatIf(null);

    assertThat(answer.path("policy").asString()).isEqualTo("in force");
    assertThat(answer.path("failures").asLong()).isEqualTo(5);
    assertThat(answer.path("failuresUnrecorded").asLong()).isZero();
    assertThat(answer.path("cut").asBoolean()).isFalse();
    JsonNode actual = answer.path("actual");
    assertThat(actual.path("retries").asLong()).isEqualTo(3);
    assertThat(actual.path("totalDelayMs").asLong()).isEqualTo(100 + 200 + 100);
    assertThat(actual.path("interventionsByCause").path("ATTEMPTS_EXHAUSTED").asLong())
        .isEqualTo(1);
    assertThat(actual.path("interventionsByCause").path("HARD_FAILURE").asLong()).isEqualTo(1);
    assertThat(answer.path("proposed")).isEqualTo(actual);
    assertThat(answer.path("executionsAffected").asLong()).isZero();
    assertThat(answer.path("rows").get(0).path("phase").asString()).isEqualTo("charge");
  }

  @Test
  void shouldPauseEarlierAndAvoidLaterAttemptsUnderAStricterPolicy() throws Exception {
    JsonNode answer = whatIf(document(1, "NONE"));

    JsonNode proposed = answer.path("proposed");
    // B's declared maxAttempts 2 still applies over the proposal
    assertThat(proposed.path("retries").asLong()).isEqualTo(1);
    assertThat(proposed.path("interventionsByCause").path("ATTEMPTS_EXHAUSTED").asLong())
        .isEqualTo(1);
    assertThat(answer.path("attemptsAvoided").asLong()).as("A's attempts 2 and 3").isEqualTo(2);
    assertThat(answer.path("executionsAffected").asLong()).isEqualTo(1);
    assertThat(answer.path("change").path("retries").asLong()).isEqualTo(-2);
  }

  @Test
  void shouldCountRetriesBeyondHistoryUnderALooserPolicy() throws Exception {
    JsonNode answer = whatIf(document(5, "FULL"));

    JsonNode proposed = answer.path("proposed");
    assertThat(proposed.path("retries").asLong()).isEqualTo(4);
    assertThat(answer.path("retriesBeyondHistory").asLong()).isEqualTo(1);
    // expected delays: the middle of full jitter's range (A: 50, 100, 200; B: 50)
    assertThat(proposed.path("totalDelayMs").asLong()).isEqualTo(50 + 100 + 200 + 50);
    assertThat(proposed.path("interventionsByCause").path("HARD_FAILURE").asLong()).isEqualTo(1);
    assertThat(proposed.path("interventionsByCause").has("ATTEMPTS_EXHAUSTED")).isFalse();
  }

  @Test
  void shouldAnswer400NamingTheFieldToChange() throws Exception {
    assertBadRequest(
        body(from.toString(), document(0, "NONE")),
        "policy.defaults.maxAttempts",
        "policy.defaults.maxAttempts: must be at least 1");
    assertBadRequest(
        "{\"from\": \"%s\", \"to\": \"%s\"}".formatted(Instant.now(), from),
        "from",
        "must be before to");
    assertBadRequest(
        "{\"from\": \"%s\"}".formatted(Instant.now().minus(Duration.ofDays(40))),
        "to",
        "at most 31 days");
    assertBadRequest("{\"from\": \"yesterday\"}", "from", "is not an ISO-8601 instant");
    assertBadRequest("{}", "from", "say where the window starts");
    assertBadRequest(
        "{\"from\": \"%s\", \"pipeline\": \"%s\"}".formatted(from, "p".repeat(300)),
        "pipeline",
        "");
  }

  @Test
  void shouldCutAWindowWithMoreAttemptsThanTheBoundAndSaySo() {
    WhatIfHistory history = coordinator.context().getBean(WhatIfHistory.class);
    WhatIfQuery query = new WhatIfQuery(from, Instant.now(), PIPELINE, null, null);

    WhatIfHistory.Window whole = history.read(query, 100);
    WhatIfHistory.Window cut = history.read(query, 3);

    assertThat(whole.cut()).isFalse();
    assertThat(whole.attemptsRead()).isEqualTo(6);
    assertThat(cut.cut()).isTrue();
    assertThat(cut.attemptsRead()).isEqualTo(3);
    assertThat(cut.events()).hasSize(3);
    assertThat(cut.readUntil()).isEqualTo(whole.events().get(3).at());
  }

  @Test
  void shouldRefuseAnOversizedFieldNamingIt() throws Exception {
    assertBadRequest(
        "{\"from\": \"%s\"}".formatted("2026-12-01T00:00:00Z".repeat(4)), "from", "too long");
    String huge =
        "{\"defaults\": {\"maxAttempts\": 2, \"initialInterval\": \"1s\", \"multiplier\": 2.0,"
            + " \"maxInterval\": \"5m\", \"jitter\": \"NONE\"}, \"budget\": {\"ratio\": 0.2,"
            + " \"window\": \"1m\", \"minRetries\": 10}, \"sources\": {\"s\": {\"maxAttempts\": 2,"
            + " \"pad\": \""
            + "x".repeat(70_000)
            + "\"}}}";
    Answer tooLarge =
        coordinator.post("/api/v1/policies/what-if", body(from.toString(), huge), READ);
    assertThat(tooLarge.status()).as(String.valueOf(tooLarge.body())).isEqualTo(413);
    assertThat(tooLarge.body().path("field").asString()).isEqualTo("policy");
    assertThat(tooLarge.body().path("detail").asString()).contains("at most 65536 bytes");
  }

  @Test
  void shouldTakeTheReadTokenAndRefuseNoToken() throws Exception {
    String body = body(from.toString(), null);
    assertThat(coordinator.post("/api/v1/policies/what-if", body, null).status()).isEqualTo(401);
    assertThat(coordinator.post("/api/v1/policies/what-if", body, "wrong").status()).isEqualTo(401);
    assertThat(coordinator.post("/api/v1/policies/what-if", body, READ).status()).isEqualTo(200);
    assertThat(coordinator.post("/api/v1/policies/what-if", body).status()).isEqualTo(200);
  }

  private static JsonNode whatIf(String policy) throws Exception {
    Answer answer =
        coordinator.post("/api/v1/policies/what-if", body(from.toString(), policy), READ);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    return answer.body();
  }

  /** A whole policy document (defaults and budget are required) as the coordinator's, but these. */
  private static String document(int maxAttempts, String jitter) {
    return """
        {"defaults": {"maxAttempts": %d, "initialInterval": "100ms", "multiplier": 2.0,
                      "maxInterval": "5m", "jitter": "%s"},
         "budget": {"ratio": 0.2, "window": "1m", "minRetries": 10}}"""
        .formatted(maxAttempts, jitter);
  }

  private static String body(String start, String policy) {
    return "{\"from\": \"%s\", \"pipeline\": \"%s\"%s}"
        .formatted(start, PIPELINE, policy == null ? "" : ", \"policy\": " + policy);
  }

  private static void assertBadRequest(String body, String field, String detail) throws Exception {
    Answer answer = coordinator.post("/api/v1/policies/what-if", body, READ);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo(field);
    assertThat(answer.body().path("detail").asString()).contains(detail);
  }

  private static AttemptEvent failure(String executionId, int attempt, Retryability retryable) {
    return TestEvents.failure(executionId, "billing", PIPELINE, "charge", attempt, retryable);
  }

  private static AttemptEvent succeeded(String executionId, int attempt) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("billing")
        .setPipeline(PIPELINE)
        .setPayload(
            AttemptSucceeded.newBuilder()
                .setAttemptId(executionId + "-charge-" + attempt)
                .setPhase("charge")
                .setAttemptNumber(attempt)
                .build())
        .build();
  }

  private static void send(String executionId, AttemptEvent event) throws Exception {
    kafka.send(RedriveTopics.ATTEMPTS.name(), executionId, event);
  }

  private static void awaitDecisions(long count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                coordinator
                        .jdbc()
                        .sql("SELECT count(*) FROM attempt WHERE decision IS NOT NULL")
                        .query(Long.class)
                        .single()
                    == count);
  }
}
