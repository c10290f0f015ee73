package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.CoordinatorUnderTest.Answer;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Error fingerprints on a real broker and PostgreSQL: the same failure on unchanged inputs and
 * artifacts stops retries after the configured count, changed inputs keep them going, and the
 * history per fingerprint counts retries and their successes and suggests what to change.
 */
class FingerprintIT {

  private static final String READ_TOKEN = "fingerprint-read-token";
  private static final String INPUTS = "1".repeat(64);
  private static final String ARTIFACTS = "2".repeat(64);

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.max-attempts=5",
            "redrive.coordinator.policy.initial-interval=10ms",
            "redrive.coordinator.fingerprints.repeated-count=3",
            // the history's 26 retries must not be refused by the retry budget of the source
            "redrive.coordinator.budget.min-retries=1000",
            "redrive.security.read-token=" + READ_TOKEN);
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void shouldStopAfterThreeIdenticalFailuresOnUnchangedInputsAndArtifacts() throws Exception {
    // given a coordinator that stops at the third identical failure, with 5 attempts allowed
    String execution = "exec-fp-same-" + UUID.randomUUID();

    // when attempts 1, 2 and 3 of build fail the same way on the same inputs and artifacts
    for (int attempt = 1; attempt <= 3; attempt++) {
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          execution,
          failed(
              execution, "fp-stop", attempt, "port 80" + attempt + " in use", INPUTS, ARTIFACTS));
    }

    // then the third asks a person, saying why, although two attempts were left
    await().atMost(Duration.ofSeconds(20)).until(() -> status(execution).equals("PAUSED"));
    InterventionRequired paused =
        kafka.read(RedriveTopics.DECISIONS.name(), execution, 3).stream()
            .map(event -> ((DecisionEvent) event).getPayload())
            .filter(InterventionRequired.class::isInstance)
            .map(InterventionRequired.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(paused.getAttemptNumber()).isEqualTo(3);
    assertThat(paused.getReason())
        .matches(
            "the same failure fp_[0-9a-f]{12} \\(COMMAND_FAILED: exit code <n>: port <n> in use\\)"
                + " repeated 3 times on unchanged inputs and artifacts; a retry would run the"
                + " same thing again");
    assertThat(paused.getRecommendedAction())
        .contains("--reset-count", "redrive fingerprints show");
    MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
    assertThat(
            meters
                .counter("redrive.interventions", "phase", "build", "cause", "REPEATED_FAILURE")
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .counter("redrive.failures.by.fingerprint", "class", "COMMAND_FAILED/exit code <n>")
                .count())
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldKeepRetryingWhenTheInputsChangeFromAttemptToAttempt() throws Exception {
    String execution = "exec-fp-changed-" + UUID.randomUUID();

    for (int attempt = 1; attempt <= 3; attempt++) {
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          execution,
          failed(
              execution,
              "fp-changed",
              attempt,
              "port 8080 in use",
              String.valueOf(attempt).repeat(64),
              ARTIFACTS));
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                coordinator
                        .get("/api/v1/executions/" + execution, READ_TOKEN)
                        .body()
                        .path("failedAttemptsByPhase")
                        .path("build")
                        .asInt()
                    == 3);
    assertThat(status(execution)).isEqualTo("RETRY_SCHEDULED");
  }

  @Test
  void shouldCountRetriesAndSuccessesPerFingerprintAndSuggestWhatToChange() throws Exception {
    // given 11 executions whose build fails twice the same way, and 2 that fail otherwise once
    // and then succeed
    String pipeline = "fp-history-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 11; i++) {
      String execution = pipeline + "-never-" + i;
      for (int attempt = 1; attempt <= 2; attempt++) {
        kafka.send(
            RedriveTopics.ATTEMPTS.name(),
            execution,
            failed(
                execution, pipeline, attempt, "lockfile /srv/app/yarn.lock is stale", null, null));
      }
    }
    for (int i = 0; i < 2; i++) {
      String execution = pipeline + "-flaky-" + i;
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          execution,
          failed(execution, pipeline, 1, "registry answered 502 after 31s", null, null));
      kafka.send(RedriveTopics.ATTEMPTS.name(), execution, succeeded(execution, pipeline, 2));
    }

    // when the history of the pipeline is asked for
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                list("pipeline=" + pipeline).path("fingerprints").size() == 2
                    && list("pipeline=" + pipeline)
                            .path("fingerprints")
                            .get(1)
                            .path("retriesSucceeded")
                            .asInt()
                        == 2
                    && list("pipeline=" + pipeline)
                            .path("fingerprints")
                            .get(0)
                            .path("retries")
                            .asInt()
                        == 11);
    JsonNode page = list("pipeline=" + pipeline + "&phase=build&since=1h");

    // then the stale lockfile failed 22 times in 11 executions, its 11 retries never succeeded,
    // and the history says what to change
    JsonNode never = page.path("fingerprints").get(0);
    assertThat(never.path("text").asString())
        .isEqualTo("COMMAND_FAILED: exit code <n>: lockfile <path> is stale");
    assertThat(never.path("class").asString()).isEqualTo("COMMAND_FAILED/exit code <n>");
    assertThat(never.path("failures").asInt()).isEqualTo(22);
    assertThat(never.path("executions").asInt()).isEqualTo(11);
    assertThat(never.path("retriesSucceeded").asInt()).isZero();
    assertThat(never.path("successRate").asDouble()).isZero();
    assertThat(never.path("suggestion").path("text").asString())
        .isEqualTo(
            "retries of this failure succeeded 0 of 11 times: mark COMMAND_FAILED non-retryable"
                + " for phase build of pipeline "
                + pipeline);
    assertThat(
            never
                .path("suggestion")
                .path("policyChange")
                .path("pipelines")
                .path(pipeline)
                .path("phases")
                .path("build")
                .path("nonRetryable")
                .get(0)
                .asString())
        .isEqualTo("COMMAND_FAILED");
    JsonNode flaky = page.path("fingerprints").get(1);
    assertThat(flaky.path("text").asString())
        .isEqualTo("COMMAND_FAILED: exit code <n>: registry answered <n> after <n>s");
    assertThat(flaky.path("successRate").asDouble()).isEqualTo(1.0);
    assertThat(flaky.path("suggestion").isNull()).isTrue();
    assertThat(list("pipeline=" + pipeline + "&limit=1").path("next").asInt()).isEqualTo(1);

    // and one fingerprint shows its latest failures with what followed each
    Answer one =
        coordinator.get("/api/v1/fingerprints/" + never.path("fingerprint").asString(), READ_TOKEN);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().path("phases").get(0).path("failures").asInt()).isEqualTo(22);
    assertThat(one.body().path("latest").size()).isEqualTo(20);
    assertThat(one.body().path("latest").get(0).path("message").asString()).contains("yarn.lock");
  }

  @Test
  void shouldAskForTheReadTokenAndRefuseUnboundedQueriesNamingTheParameter() throws Exception {
    assertThat(coordinator.get("/api/v1/fingerprints").status()).isEqualTo(401);
    assertThat(coordinator.get("/api/v1/fingerprints/fp_0123456789ab").status()).isEqualTo(401);

    assertBadRequest("/api/v1/fingerprints?limit=201", "limit", "must be 1-200");
    assertBadRequest("/api/v1/fingerprints?offset=10001", "offset", "must be 0-10000");
    assertBadRequest("/api/v1/fingerprints?since=91d", "since", "further back");
    assertBadRequest("/api/v1/fingerprints?since=2020-01-01T00:00:00Z", "since", "more than 90d");
    assertBadRequest("/api/v1/fingerprints?since=yesterday", "since", "neither an ISO-8601");
    assertBadRequest("/api/v1/fingerprints?stage=build", "stage", "unknown parameter");
    Answer tooLong =
        coordinator.get("/api/v1/fingerprints?pipeline=" + "p".repeat(300), READ_TOKEN);
    assertThat(tooLong.status()).as(String.valueOf(tooLong.body())).isIn(400, 413);
    assertThat(tooLong.body().path("field").asString()).isEqualTo("pipeline");
    assertBadRequest("/api/v1/fingerprints/fp_nothex", "fingerprintId", "fp_ and 12 hex digits");
    Answer unknown = coordinator.get("/api/v1/fingerprints/fp_0123456789ab", READ_TOKEN);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("detail").asString()).contains("widen it with since");
  }

  @Test
  void shouldDeadLetterADigestLongerThanTheContractAllowsNamingTheField() throws Exception {
    String execution = "exec-fp-long-" + UUID.randomUUID();

    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        execution,
        failed(execution, "fp-long", 1, "boom", INPUTS, "f".repeat(129)));

    String reason =
        new String(
            kafka
                .firstRaw(RedriveTopics.ATTEMPTS.name() + ".DLT", execution)
                .headers()
                .lastHeader(RedriveHeaders.DLT_REASON)
                .value(),
            StandardCharsets.UTF_8);
    assertThat(reason).contains("artifactsDigest has 129 characters, at most 128");
  }

  private static void assertBadRequest(String path, String field, String detail) throws Exception {
    Answer answer = coordinator.get(path, READ_TOKEN);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(400);
    assertThat(answer.body().path("field").asString()).isEqualTo(field);
    assertThat(answer.body().path("detail").asString()).contains(detail);
  }

  private static JsonNode list(String query) throws Exception {
    Answer answer = coordinator.get("/api/v1/fingerprints?" + query, READ_TOKEN);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    return answer.body();
  }

  private static String status(String execution) throws Exception {
    return coordinator
        .get("/api/v1/executions/" + execution, READ_TOKEN)
        .body()
        .path("status")
        .asString();
  }

  private static AttemptEvent failed(
      String execution,
      String pipeline,
      int attempt,
      String message,
      String inputs,
      String artifacts) {
    return envelope(execution, pipeline)
        .setPayload(
            AttemptFailed.newBuilder()
                .setAttemptId(execution + "-build-" + attempt)
                .setPhase("build")
                .setAttemptNumber(attempt)
                .setFailureType(FailureType.COMMAND_FAILED)
                .setRetryable(Retryability.SOFT)
                .setErrorType("exit code 1")
                .setErrorMessage(message)
                .setExitCode(1)
                .setChecks(List.of())
                .setAttributes(Map.of())
                .setInputsDigest(inputs)
                .setArtifactsDigest(artifacts)
                .build())
        .build();
  }

  private static AttemptEvent succeeded(String execution, String pipeline, int attempt) {
    return envelope(execution, pipeline)
        .setPayload(
            AttemptSucceeded.newBuilder()
                .setAttemptId(execution + "-build-" + attempt)
                .setPhase("build")
                .setAttemptNumber(attempt)
                .build())
        .build();
  }

  private static AttemptEvent.Builder envelope(String execution, String pipeline) {
    return AttemptEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setExecutionId(execution)
        .setOccurredAt(Instant.now())
        .setSource("redrive-runner")
        .setPipeline(pipeline);
  }
}
