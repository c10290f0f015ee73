package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptCountReset;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.ExecutionResubmitted;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryMode;
import dev.redrive.avro.RetryRejected;
import dev.redrive.avro.RetryRequested;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.StartExecution;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retry requests, by REST and on redrive.requests (one code path), on a real broker and a real
 * PostgreSQL: each kind of request and each refusal.
 */
class RetryRequestIT {

  private static final String RUNNER = "redrive-runner";
  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator = new CoordinatorUnderTest("redrive.coordinator.policy.initial-interval=100ms");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void twoRetryRequestsForOnePausedExecutionAtOnceStartOneRetry() throws Exception {
    String id = pausedExecution("billing");
    String retry = "/api/v1/executions/" + id + "/retry";
    java.util.concurrent.ExecutorService twoAtOnce =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Answer>> answers = new java.util.ArrayList<>();
      for (String who : List.of("alice", "bob")) {
        answers.add(
            twoAtOnce.submit(
                () -> {
                  start.await();
                  return coordinator.post(retry, "{\"requestedBy\": \"%s\"}".formatted(who));
                }));
      }
      start.countDown();
      List<Integer> statuses = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<Answer> answer : answers) {
        statuses.add(answer.get().status());
      }
      assertThat(statuses).containsExactlyInAnyOrder(202, 409);
    } finally {
      twoAtOnce.shutdownNow();
    }
    assertThat(commands(id, 1)).hasSize(1);
  }

  @Test
  void retryOfARunningExecutionIsRefusedWithItsStatusUnlessForced() throws Exception {
    String id = runningExecution();

    Answer refused =
        coordinator.post("/api/v1/executions/" + id + "/retry", "{\"requestedBy\": \"bob\"}");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().path("title").asString()).isEqualTo("Cannot retry");
    assertThat(refused.body().path("detail").asString())
        .startsWith("Cannot retry - process is not in failed status. Current status: RUNNING");
    assertThat(refused.body().path("currentStatus").asString()).isEqualTo("RUNNING");
    assertThat(decisions(id, 1))
        .singleElement()
        .isInstanceOfSatisfying(
            RetryRejected.class, r -> assertThat(r.getRequestedBy()).isEqualTo("bob"));

    Answer forced =
        coordinator.post(
            "/api/v1/executions/" + id + "/retry", "{\"force\": true, \"requestedBy\": \"alice\"}");

    assertThat(forced.status()).isEqualTo(202);
    assertThat(forced.body().path("forced").asBoolean()).isTrue();
    RetryScheduled scheduled = only(decisions(id, 3), RetryScheduled.class);
    assertThat(scheduled.getForced()).isTrue();
    assertThat(scheduled.getRequestedBy()).isEqualTo("alice");
    assertThat(commands(id, 1))
        .singleElement()
        .extracting(CommandEvent::getPayload)
        .isInstanceOf(RetryCommand.class);
  }

  @Test
  void evenAForcedRetryInPlaceIsRefusedWhenThePhaseRunnerCouldNotRunIt() throws Exception {
    String running = "exec-" + UUID.randomUUID();
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        running,
        TestEvents.executionStarted(running, "payments", List.of("prepare", "charge", "report")));
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        running,
        TestEvents.started(running, RUNNER, "payments", "prepare", 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(statusOrNull(running)));
    String cancelled = pausedExecution(RUNNER);
    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        cancelled,
        TestEvents.executionCancelled(cancelled, "payments"));
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(statusOrNull(cancelled)));

    for (String id : List.of(running, cancelled)) {
      Answer refused =
          coordinator.post(
              "/api/v1/executions/" + id + "/retry",
              "{\"force\": true, \"requestedBy\": \"alice\"}");
      assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
      assertThat(refused.body().path("title").asString()).isEqualTo("Cannot retry now");
    }
    assertThat(status(running)).isEqualTo("RUNNING");
    assertThat(status(cancelled)).isEqualTo("CANCELLED");

    // what the refusal advises works: a forced resume runs the cancelled execution again
    Answer resumed =
        coordinator.post(
            "/api/v1/executions/" + cancelled + "/retry",
            "{\"force\": true, \"fromPhase\": \"charge\", \"requestedBy\": \"alice\"}");
    assertThat(resumed.status()).as(resumed.body().toString()).isEqualTo(202);
    assertThat(status(cancelled)).isEqualTo("RETRY_SCHEDULED");
  }

  @Test
  void retryOfAPausedExecutionRunsTheFailedPhaseWithThePersonsNote() throws Exception {
    String id = pausedExecution("billing");

    Answer answer =
        coordinator.post(
            "/api/v1/executions/" + id + "/retry",
            "{\"note\": \"the ledger was fixed, try again\", \"requestedBy\": \"bob\"}");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().path("message").asString())
        .isEqualTo("Retry started: " + id + " from phase charge");
    RetryCommand retry = (RetryCommand) commands(id, 1).get(0).getPayload();
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    assertThat(retry.getContext().getNotes())
        .containsExactly("bob: the ledger was fixed, try again");
    assertThat(retry.getContext().getGuidance()).contains("the ledger was fixed");
    assertThat(status(id)).isEqualTo("RETRY_SCHEDULED");
    assertThat(only(decisions(id, 3), RetryScheduled.class).getNote())
        .isEqualTo("the ledger was fixed, try again");
  }

  @Test
  void resetCountZeroesThePhasesCounterAndIsAudited() throws Exception {
    String id = pausedExecution("billing");

    Answer answer =
        coordinator.post(
            "/api/v1/executions/" + id + "/retry",
            "{\"resetCount\": true, \"requestedBy\": \"carol\"}");

    assertThat(answer.status()).isEqualTo(202);
    AttemptCountReset reset = only(decisions(id, 4), AttemptCountReset.class);
    assertThat(reset.getPreviousCount()).isEqualTo(1);
    assertThat(reset.getRequestedBy()).isEqualTo("carol");
    assertThat(coordinator.failureCounts(id)).containsExactly(0);
  }

  @Test
  void fromPhaseResumesThereAndAnUnknownPhaseIsA400NamingTheValidOnes() throws Exception {
    String id = pausedExecution(RUNNER);

    Answer unknown =
        coordinator.post("/api/v1/executions/" + id + "/retry", "{\"fromPhase\": \"deploy\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("detail").asString())
        .isEqualTo("Unknown phase 'deploy'. Valid phases: prepare, charge, report");

    Answer dryRun =
        coordinator.post(
            "/api/v1/executions/" + id + "/retry",
            "{\"fromPhase\": \"prepare\", \"dryRun\": true}");
    assertThat(dryRun.status()).isEqualTo(200);
    assertThat(dryRun.body().path("phasesToRun").toString())
        .isEqualTo("[\"prepare\",\"charge\",\"report\"]");

    Answer resumed =
        coordinator.post("/api/v1/executions/" + id + "/retry", "{\"fromPhase\": \"prepare\"}");
    assertThat(resumed.status()).isEqualTo(202);
    Rollback rollback = (Rollback) commands(id, 1).get(0).getPayload();
    assertThat(rollback.getToPhase()).isEqualTo("prepare");
  }

  @Test
  void resubmitAsNewStartsANewExecutionWithTheSameInputs() throws Exception {
    String id = pausedExecution(RUNNER);

    Answer answer =
        coordinator.post(
            "/api/v1/executions/" + id + "/retry",
            "{\"mode\": \"RESUBMIT_AS_NEW\", \"requestedBy\": \"carol\"}");

    assertThat(answer.status()).isEqualTo(202);
    String newId = answer.body().path("executionId").asString();
    assertThat(newId).startsWith("exec_").isNotEqualTo(id);
    assertThat(answer.body().path("message").asString()).isEqualTo("Retry started: " + newId);
    assertThat(answer.body().path("originalExecutionId").asString()).isEqualTo(id);
    StartExecution start = (StartExecution) commands(newId, 1).get(0).getPayload();
    assertThat(start.getResubmitOf()).isEqualTo(id);
    assertThat(start.getPipeline()).isEqualTo("payments");
    ExecutionResubmitted resubmitted = only(decisions(id, 2), ExecutionResubmitted.class);
    assertThat(resubmitted.getNewExecutionId()).isEqualTo(newId);
    assertThat(resubmitted.getRequestedBy()).isEqualTo("carol");

    // an execution of another system cannot be resubmitted: it is not Redrive's to start
    String external = pausedExecution("billing");
    assertThat(
            coordinator
                .post(
                    "/api/v1/executions/" + external + "/retry", "{\"mode\": \"RESUBMIT_AS_NEW\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void aRepeatedRequestIdGetsTheSameAnswerAndDoesNothingTwice() throws Exception {
    String id = pausedExecution("billing");
    String body = "{\"requestId\": \"req-" + UUID.randomUUID() + "\"}";

    Answer first = coordinator.post("/api/v1/executions/" + id + "/retry", body);
    Answer again = coordinator.post("/api/v1/executions/" + id + "/retry", body);

    assertThat(first.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(commands(id, 1)).hasSize(1);
  }

  @Test
  void mutatingWithoutTheTokenIs401AndUnknownExecutionIs404() throws Exception {
    String id = pausedExecution("billing");

    assertThat(coordinator.post("/api/v1/executions/" + id + "/retry", "{}", null).status())
        .isEqualTo(401);
    assertThat(coordinator.post("/api/v1/executions/" + id + "/retry", "{}", "wrong").status())
        .isEqualTo(401);
    Answer unknown = coordinator.post("/api/v1/executions/no-such-thing/retry", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("detail").asString()).contains("no-such-thing");
  }

  @Test
  void aRetryRequestedEventTakesTheSamePathAsRest() throws Exception {
    String id = pausedExecution("billing");

    kafka.send(
        RedriveTopics.REQUESTS.name(),
        id,
        RetryRequested.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setExecutionId(id)
            .setOccurredAt(Instant.now())
            .setSource("ops-bot")
            .setRequestId(UUID.randomUUID().toString())
            .setMode(RetryMode.RETRY_IN_PLACE)
            .setNote("from the bot")
            .setRequestedBy("ops-bot")
            .build());

    RetryCommand retry = (RetryCommand) commands(id, 1).get(0).getPayload();
    assertThat(retry.getContext().getNotes()).containsExactly("ops-bot: from the bot");
    assertThat(only(decisions(id, 3), RetryScheduled.class).getRequestedBy()).isEqualTo("ops-bot");
  }

  @Test
  void bulkRetryStaggersEveryMatchingPausedExecution() throws Exception {
    String pipeline = "bulk-" + UUID.randomUUID();
    List<String> ids = List.of(paused(pipeline), paused(pipeline), paused(pipeline));

    Answer answer =
        coordinator.post(
            "/api/v1/retries",
            "{\"pipeline\": \"%s\", \"stagger\": \"PT1S\", \"requestedBy\": \"dave\"}"
                .formatted(pipeline));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().path("matched").asInt()).isEqualTo(3);
    Instant first = ((RetryCommand) commands(ids.get(0), 1).get(0).getPayload()).getNotBefore();
    Instant third = ((RetryCommand) commands(ids.get(2), 1).get(0).getPayload()).getNotBefore();
    assertThat(Duration.between(first, third)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void retryRefusesEachFieldOverItsLimitNamingItAndPublishesNothing() throws Exception {
    String id = pausedExecution("billing");
    String retry = "/api/v1/executions/" + id + "/retry";

    // a 600 KB note: 413 naming the field, the limit and the setting
    Answer note = coordinator.post(retry, "{\"note\": \"" + "n".repeat(600_000) + "\"}");
    assertThat(note.status()).isEqualTo(413);
    assertThat(note.body().path("field").asString()).isEqualTo("note");
    assertThat(note.body().path("detail").asString())
        .isEqualTo(
            "note: 600,000 bytes, at most 16,384 (redrive.limits.max-note-bytes);"
                + " send less or raise the setting");

    // ids with a newline or '..', a forged requestedBy, a phase name longer than any
    assertRefused(coordinator.post(retry, "{\"requestId\": \"req\\nforged\"}"), "requestId");
    assertRefused(coordinator.post(retry, "{\"requestId\": \"a..b\"}"), "requestId");
    assertRefused(coordinator.post(retry, "{\"requestedBy\": \"bob\\r\\nINFO x\"}"), "requestedBy");
    assertRefused(
        coordinator.post(retry, "{\"fromPhase\": \"" + "p".repeat(300) + "\"}"), "fromPhase");
    assertRefused(coordinator.post("/api/v1/executions/exec%0Aforged/retry", "{}"), "executionId");
    assertRefused(coordinator.get("/api/v1/executions/exec%0Aforged"), "executionId");
    assertRefused(coordinator.get("/api/v1/attempts/a..b"), "attemptId");

    // the bulk endpoint's fields too
    Answer bulkNote =
        coordinator.post("/api/v1/retries", "{\"note\": \"" + "n".repeat(600_000) + "\"}");
    assertThat(bulkNote.status()).isEqualTo(413);
    assertThat(bulkNote.body().path("field").asString()).isEqualTo("note");
    assertRefused(
        coordinator.post("/api/v1/retries", "{\"requestedBy\": \"a\\nb\", \"dryRun\": true}"),
        "requestedBy");
    assertRefused(
        coordinator.post("/api/v1/retries", "{\"pipeline\": \"" + "p".repeat(300) + "\"}"),
        "pipeline");
    // a failure type that does not exist matched nothing, silently, before
    Answer unknownType =
        coordinator.post("/api/v1/retries", "{\"failureType\": \"NOPE\", \"dryRun\": true}");
    assertRefused(unknownType, "failureType");
    assertThat(unknownType.body().path("detail").asString())
        .contains("'NOPE' is not one of MISSING_OUTPUT, EXIT_CRITERIA_NOT_MET");

    // nothing was decided or commanded, and the next valid request works
    // the pause is the only decision: no retry was scheduled or rejected
    assertThat(decisions(id, 1)).singleElement().isInstanceOf(InterventionRequired.class);
    assertThat(status(id)).isEqualTo("PAUSED");
    assertThat(coordinator.post(retry, "{\"note\": \"" + "n".repeat(16_000) + "\"}").status())
        .isEqualTo(202);
    assertThat(commands(id, 1)).hasSize(1);
  }

  @Test
  void aRetryRequestedEventOverALimitIsDeadLetteredWithTheReasonAndTheNextOneRuns()
      throws Exception {
    String id = pausedExecution("billing");

    kafka.send(
        RedriveTopics.REQUESTS.name(),
        id + "-note",
        request(id, UUID.randomUUID().toString(), "n".repeat(600_000)));
    kafka.send(RedriveTopics.REQUESTS.name(), id + "-id", request(id, "req\nforged", "note"));

    assertThat(deadLetterReason(RedriveTopics.REQUESTS.deadLetterTopic(), id + "-note"))
        .contains("RetryRequested.note: 600,000 bytes, at most 16,384");
    assertThat(deadLetterReason(RedriveTopics.REQUESTS.deadLetterTopic(), id + "-id"))
        .contains("RetryRequested.requestId: character U+000A at index 3");
    // the pause is the only decision: no retry was scheduled or rejected
    assertThat(decisions(id, 1)).singleElement().isInstanceOf(InterventionRequired.class);

    kafka.send(RedriveTopics.REQUESTS.name(), id, request(id, UUID.randomUUID().toString(), "go"));
    assertThat(commands(id, 1)).hasSize(1);
  }

  private static RetryRequested request(String executionId, String requestId, String note) {
    return RetryRequested.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(executionId)
        .setOccurredAt(Instant.now())
        .setSource("ops-bot")
        .setRequestId(requestId)
        .setNote(note)
        .setRequestedBy("ops-bot")
        .build();
  }

  private static String deadLetterReason(String topic, String key) {
    return new String(
        kafka.firstRaw(topic, key).headers().lastHeader(RedriveHeaders.DLT_REASON).value(),
        StandardCharsets.UTF_8);
  }

  private static void assertRefused(Answer answer, String field) {
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo(field);
    assertThat(answer.body().path("detail").asString()).startsWith(field + ": ");
  }

  /** An execution whose first phase is running. */
  private static String runningExecution() throws Exception {
    String id = "exec-" + UUID.randomUUID();
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        id,
        TestEvents.started(id, "billing", "payments", "charge", 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(statusOrNull(id)));
    return id;
  }

  private static String pausedExecution(String source) throws Exception {
    return paused("payments", source);
  }

  private static String paused(String pipeline) throws Exception {
    return paused(pipeline, "billing");
  }

  /**
   * An execution paused after a HARD failure of phase "charge"; one of Redrive's runner announces
   * its phases (prepare, charge, report) first, one of another system does not.
   */
  private static String paused(String pipeline, String source) throws Exception {
    String id = "exec-" + UUID.randomUUID();
    boolean ours = source.equals(RUNNER);
    if (ours) {
      kafka.send(
          RedriveTopics.PROCESS_EVENTS.name(),
          id,
          TestEvents.executionStarted(id, pipeline, List.of("prepare", "charge", "report")));
    }
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        id,
        TestEvents.failure(id, source, pipeline, "charge", 1, Retryability.HARD));
    await().atMost(Duration.ofSeconds(30)).until(() -> "PAUSED".equals(statusOrNull(id)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator.get("/api/v1/executions/" + id).body().path("chain").size()
                    == (ours ? 3 : 1));
    return id;
  }

  private static String status(String id) {
    return statusOrNull(id);
  }

  private static String statusOrNull(String id) {
    return coordinator
        .jdbc()
        .sql("SELECT status FROM execution WHERE execution_id = ?")
        .param(id)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static List<CommandEvent> commands(String id, int expected) {
    return kafka.read(RedriveTopics.COMMANDS.name(), id, expected).stream()
        .map(CommandEvent.class::cast)
        .toList();
  }

  private static List<Object> decisions(String id, int expected) {
    return kafka.read(RedriveTopics.DECISIONS.name(), id, expected).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .toList();
  }

  private static <T> T only(List<Object> decisions, Class<T> type) {
    return decisions.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }
}
