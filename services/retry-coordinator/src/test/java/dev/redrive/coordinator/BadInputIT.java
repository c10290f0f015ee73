package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the coordinator's REST API on real Kafka and PostgreSQL: each answered 400 or 413
 * naming what to change, never 500, and refused before anything runs.
 */
class BadInputIT {

  private static CoordinatorUnderTest coordinator;

  @BeforeAll
  static void startCoordinator() {
    coordinator = new CoordinatorUnderTest("redrive.http.max-request-bytes=2KB");
  }

  @AfterAll
  static void stop() {
    coordinator.close();
  }

  @Test
  void aBulkStaggerThatOverflowsIsRefusedNamingStagger() throws Exception {
    Answer overflow =
        coordinator.post("/api/v1/retries", "{\"stagger\": \"PT2562047788015H\", \"limit\": 100}");
    Answer tooLong = coordinator.post("/api/v1/retries", "{\"stagger\": \"P1D\", \"limit\": 9}");
    Answer negative = coordinator.post("/api/v1/retries", "{\"stagger\": \"-PT1S\"}");

    for (Answer answer : new Answer[] {overflow, tooLong, negative}) {
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.body().path("field").asString()).isEqualTo("stagger");
    }
    assertThat(tooLong.body().path("detail").asString()).contains("at most PT168H");
    assertThat(coordinator.post("/api/v1/retries", "{\"stagger\": \"P1D\", \"limit\": 8}").status())
        .isEqualTo(202);
  }

  @Test
  void aMemberTheRequestDoesNotHaveIs400NamingItAndTheKnownOnes() throws Exception {
    // before, a typo was dropped: this bulk retry ran with no stagger at all
    Answer typo = coordinator.post("/api/v1/retries", "{\"staggerMs\": 500, \"limit\": 2}");
    Answer nested =
        coordinator.post("/api/v1/executions/x/retry", "{\"mode\": \"RETRY_IN_PLACE\", \"x\": 1}");

    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.body().path("field").asString()).isEqualTo("staggerMs");
    assertThat(typo.body().path("detail").asString())
        .startsWith("Member 'staggerMs' is not known here: remove it or correct its name")
        .contains("stagger", "limit");
    assertThat(nested.status()).isEqualTo(400);
    assertThat(nested.body().path("field").asString()).isEqualTo("x");
  }

  @Test
  void unreadableOrInvalidMembersAre400NamingTheMember() throws Exception {
    Answer stagger = coordinator.post("/api/v1/retries", "{\"stagger\": \"soon\"}");
    Answer limit = coordinator.post("/api/v1/retries", "{\"limit\": 0}");
    Answer mode = coordinator.post("/api/v1/executions/x/retry", "{\"mode\": \"LATER\"}");
    Answer notJson = coordinator.post("/api/v1/retries", "{not json");

    assertThat(stagger.status()).isEqualTo(400);
    assertThat(stagger.body().path("field").asString()).isEqualTo("stagger");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.body().path("field").asString()).isEqualTo("limit");
    assertThat(mode.status()).isEqualTo(400);
    assertThat(mode.body().path("field").asString()).isEqualTo("mode");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body().path("detail").asString())
        .startsWith("The request body is not valid JSON");
  }

  @Test
  void aNewlineInARequestsIdOrRequesterIsRefusedBeforeItCanForgeALogLine() throws Exception {
    // the input limits refuse control characters in ids and names at the door (400 naming the
    // field), so they never reach a log line; free text that is allowed to hold line breaks goes
    // through LogText.escape (LogTextTest)
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(dev.redrive.coordinator.app.RequestRetry.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      Answer forgedId =
          coordinator.post(
              "/api/v1/executions/unknown-exec/retry",
              "{\"requestId\": \"r-1\\nINFO  RetryCoordinator : approved\"}");
      Answer forgedRequester =
          coordinator.post(
              "/api/v1/executions/unknown-exec/retry", "{\"requestedBy\": \"eve\\r\\nadmin\"}");

      assertThat(forgedId.status()).isEqualTo(400);
      assertThat(forgedId.body().path("field").asString()).isEqualTo("requestId");
      assertThat(forgedRequester.status()).isEqualTo(400);
      assertThat(forgedRequester.body().path("field").asString()).isEqualTo("requestedBy");
      assertThat(lines.list)
          .allSatisfy(
              line ->
                  assertThat(line.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r"));
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void aParameterOfTheWrongTypeIs400NamingIt() throws Exception {
    Answer answer = coordinator.get("/api/v1/attempts/a-1?context=maybe");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo("context");
    assertThat(answer.body().path("detail").asString()).contains("true or false");
  }

  @Test
  void aBodyOverTheLimitIs413NamingTheKey() throws Exception {
    Answer answer = coordinator.post("/api/v1/retries", "{\"note\": \"" + "x".repeat(4096) + "\"}");

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body().path("setting").asString())
        .isEqualTo("redrive.http.max-request-bytes");
    assertThat(answer.body().path("limit").asLong()).isEqualTo(2048);
  }
}
