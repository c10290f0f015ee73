package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.support.topic.RedriveTopics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/executions} on a real broker and PostgreSQL: filters, keyset pages that walk
 * every match once, and 400s that name a parameter the listing cannot use.
 */
class ExecutionListIT {

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;
  private static final List<String> PAUSED = new ArrayList<>();
  private static String running;

  @BeforeAll
  static void startCoordinatorWithExecutions() throws Exception {
    coordinator = new CoordinatorUnderTest();
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
    for (int i = 0; i < 5; i++) {
      String id = "exec-list-" + i + "-" + UUID.randomUUID();
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          id,
          TestEvents.failure(id, "billing", "ledger", "charge", 1, Retryability.HARD));
      PAUSED.add(id);
    }
    running = "exec-list-running-" + UUID.randomUUID();
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        running,
        TestEvents.started(running, "billing", "ledger", "charge", 1));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> list("pipeline=ledger&limit=500").path("executions").size() == 6);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void shouldWalkEveryMatchOnceMostRecentlyChangedFirst() throws Exception {
    List<String> seen = new ArrayList<>();
    List<String> updatedAt = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonNode page =
          list("pipeline=ledger&status=paused&limit=2" + (next == null ? "" : "&after=" + next));
      page.path("executions")
          .forEach(
              x -> {
                seen.add(x.path("executionId").asString());
                updatedAt.add(x.path("updatedAt").asString());
                assertThat(x.path("status").asString()).isEqualTo("PAUSED");
              });
      next = page.path("next").isNull() ? null : page.path("next").asString();
      pages++;
    } while (next != null);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(PAUSED).doesNotHaveDuplicates();
    assertThat(pages).isEqualTo(3);
    assertThat(updatedAt).isSortedAccordingTo((a, b) -> b.compareTo(a));
  }

  @Test
  void shouldFilterByPhaseFailureTypeAndText() throws Exception {
    assertThat(ids(list("pipeline=ledger&failureType=COMMAND_FAILED"))).isEmpty();
    assertThat(ids(list("pipeline=ledger&failureType=exit_criteria_not_met")))
        .containsExactlyInAnyOrderElementsOf(PAUSED);
    assertThat(ids(list("pipeline=ledger&phase=charge"))).hasSize(6);
    assertThat(ids(list("q=" + encode(running.substring(0, 30).toUpperCase()))))
        .containsExactly(running);
    // LIKE's wildcards are taken literally: "%" matches no id, pipeline or error of these
    assertThat(ids(list("pipeline=ledger&q=" + encode("%")))).isEmpty();
    assertThat(ids(list("pipeline=nothing-here"))).isEmpty();
  }

  @Test
  void shouldAnswer400NamingAParameterItCannotUse() throws Exception {
    assertBadRequest("stauts=PAUSED", "stauts", "unknown parameter");
    assertBadRequest("status=NOPE", "status", "'NOPE' is not one of RUNNING, HALTED");
    assertBadRequest("failureType=NOPE", "failureType", "'NOPE' is not one of MISSING_OUTPUT");
    assertBadRequest("limit=501", "limit", "must be 1-500");
    assertBadRequest("from=yesterday", "from", "is not an ISO-8601 instant");
    assertBadRequest("after=bm90LWEtY3Vyc29y", "after", "is not a cursor this API gave");
    Answer tooLong = coordinator.get("/api/v1/executions?q=" + "x".repeat(300));
    assertThat(tooLong.status()).as(String.valueOf(tooLong.body())).isIn(400, 413);
    assertThat(tooLong.body().path("field").asString()).isEqualTo("q");
  }

  private static void assertBadRequest(String query, String field, String detail) throws Exception {
    Answer answer = coordinator.get("/api/v1/executions?" + query);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo(field);
    assertThat(answer.body().path("detail").asString()).contains(detail);
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.path("executions").forEach(x -> ids.add(x.path("executionId").asString()));
    return ids;
  }

  private static JsonNode list(String query) throws Exception {
    Answer answer = coordinator.get("/api/v1/executions?" + query);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    return answer.body();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
