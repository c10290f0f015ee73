package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The coordinator alone on a real broker and a real PostgreSQL, fed the AttemptFailed events any
 * system may publish on redrive.attempts.
 */
class AttemptHandlingIT {

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            "redrive.coordinator.pipelines.strict.policy.max-attempts=1",
            "redrive.coordinator.pipelines.payments.phases.settle.max-attempts=3");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void externalFailureGetsOneRetryCommandWithItsContextThenPausesOnTheSecond() throws Exception {
    String executionId = "billing-" + UUID.randomUUID();

    // when another system reports a first soft failure
    send(TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT));

    // then exactly one retry command carries the failure as context
    RetryCommand retry = (RetryCommand) commandsFor(executionId, 1).get(0).getPayload();
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
    assertThat(status(executionId)).isEqualTo("RETRY_SCHEDULED");
    // and the decision says why, in its event and when asked
    RetryScheduled scheduled =
        decisions.stream()
            .filter(RetryScheduled.class::isInstance)
            .map(RetryScheduled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(scheduled.getExplanation().getDelay().getFormula())
        .startsWith("100ms x 2^0 = 100ms; FULL jitter drew ");
    assertThat(scheduled.getExplanation().getOrigins()).containsEntry("initialInterval", "default");
    JsonNode retried = coordinator.get("/api/v1/executions/" + executionId + "/explain").body();
    assertThat(retried.path("last").path("outcome").asString()).isEqualTo("RETRY");
    assertThat(retried.path("last").path("why").path("delay").path("delayMs").asLong())
        .isEqualTo(scheduled.getExplanation().getDelay().getDelayMs());
    assertThat(retried.path("last").path("why").path("budget").size()).isEqualTo(2);
    assertThat(retried.path("next").path("waitingFor").asString())
        .startsWith("the retry of phase charge, due at ");
    assertThat(retried.path("next").path("onNextFailure").asString())
        .startsWith("pause for a person: failure 2 would use up maxAttempts=2 (set by default)");

    // when the retried attempt fails too
    send(TestEvents.failure(executionId, "billing", "payments", "charge", 2, Retryability.SOFT));

    // then the execution is paused for a person, with the history and no further command
    InterventionRequired intervention =
        (InterventionRequired)
            decisionsFor(executionId, 3).stream()
                .filter(InterventionRequired.class::isInstance)
                .findFirst()
                .orElseThrow();
    assertThat(intervention.getReason())
        .isEqualTo("attempts exhausted: 2 failures counted, 2 attempts allowed");
    assertThat(intervention.getHistory()).hasSize(2);
    assertThat(status(executionId)).isEqualTo("PAUSED");
    assertThat(commandsFor(executionId, 1)).hasSize(1);
    assertThat(intervention.getExplanation().getWouldChange())
        .contains(
            "a retry with a reset count starts counting again: redrive retry %s --reset-count"
                .formatted(executionId));
    JsonNode paused = coordinator.get("/api/v1/executions/" + executionId + "/explain").body();
    assertThat(paused.path("last").path("cause").asString()).isEqualTo("ATTEMPTS_EXHAUSTED");
    assertThat(paused.path("last").path("why").path("failuresCounted").asInt()).isEqualTo(2);
    assertThat(paused.path("next").path("waitingFor").asString())
        .startsWith("a person: redrive retry " + executionId);
    assertThat(coordinator.get("/api/v1/executions/no-such-execution/explain").status())
        .isEqualTo(404);
  }

  @Test
  void duplicateFailureEventsAreCountedOnceAndSendOneCommand() throws Exception {
    String executionId = "dup-" + UUID.randomUUID();
    AttemptEvent original =
        TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT);
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

    send(TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.HARD));

    assertThat(decisionsFor(executionId, 1))
        .singleElement()
        .isInstanceOf(InterventionRequired.class);
    assertThat(status(executionId)).isEqualTo("PAUSED");
    assertThat(commandsFor(executionId, 0)).isEmpty();
  }

  @Test
  void pipelineAndPhaseOverridesAndThePhasesOwnPolicyDecideTheBound() throws Exception {
    // a pipeline configured with one attempt pauses at once
    String strict = "strict-" + UUID.randomUUID();
    send(TestEvents.failure(strict, "billing", "strict", "charge", 1, Retryability.SOFT));
    assertThat(decisionsFor(strict, 1)).singleElement().isInstanceOf(InterventionRequired.class);

    // a phase configured with three attempts retries twice
    String settle = "settle-" + UUID.randomUUID();
    send(TestEvents.failure(settle, "billing", "payments", "settle", 1, Retryability.SOFT));
    send(TestEvents.failure(settle, "billing", "payments", "settle", 2, Retryability.SOFT));
    List<CommandEvent> commands = commandsFor(settle, 2);
    assertThat(commands).hasSize(2);
    assertThat(((RetryCommand) commands.get(1).getPayload()).getMaxAttempts()).isEqualTo(3);

    // a failure that carries its phase's own policy (from its pipeline file) gets that one
    String declared = "declared-" + UUID.randomUUID();
    send(
        TestEvents.declaring(
            TestEvents.failure(
                declared, "redrive-runner", "strict", "charge", 1, Retryability.SOFT),
            DeclaredPolicy.newBuilder().setMaxAttempts(4).build()));
    assertThat(((RetryCommand) commandsFor(declared, 1).get(0).getPayload()).getMaxAttempts())
        .isEqualTo(4);
  }

  @Test
  void failedCheckThatThePipelinesLoopHandlesIsRecordedButNotRetried() throws Exception {
    String executionId = "loop-" + UUID.randomUUID();

    send(
        TestEvents.looping(
            TestEvents.failure(
                executionId, "redrive-runner", "payments", "review", 1, Retryability.SOFT),
            new LoopOutcome("develop", 1, 3, false)));

    assertThat(status(executionId)).isEqualTo("RUNNING");
    assertThat(commandsFor(executionId, 0)).isEmpty();
    assertThat(
            coordinator
                .jdbc()
                .sql("SELECT outcome FROM attempt WHERE execution_id = ?")
                .param(executionId)
                .query(String.class)
                .single())
        .isEqualTo("FAILED");
  }

  @Test
  void failureFromAnOlderRunnerWithThePolicyAndLoopAttributesIsStillDecidedTheSameAndCounted()
      throws Exception {
    // an older runner (or an external system) sends the deprecated attributes, not the fields
    String declared = "old-declared-" + UUID.randomUUID();
    String looped = "old-loop-" + UUID.randomUUID();
    send(
        TestEvents.failure(
            declared,
            "old-runner",
            "strict",
            "charge",
            1,
            Retryability.SOFT,
            Map.of("redrive.policy.max-attempts", "4")));
    send(
        TestEvents.failure(
            looped,
            "old-runner",
            "payments",
            "review",
            1,
            Retryability.SOFT,
            Map.of("redrive.loop.target", "develop")));

    // the phase's own policy still applies, the loop's failed check is still not retried
    assertThat(((RetryCommand) commandsFor(declared, 1).get(0).getPayload()).getMaxAttempts())
        .isEqualTo(4);
    assertThat(status(looped)).isEqualTo("RUNNING");
    assertThat(commandsFor(looped, 0)).isEmpty();
    // and the publisher that still uses them shows in the metrics
    MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
    for (String attribute : List.of("redrive.policy", "redrive.loop")) {
      assertThat(
              meters
                  .get("redrive.contract.deprecated.attributes")
                  .tag("attribute", attribute)
                  .tag("source", "old-runner")
                  .counter()
                  .count())
          .as(attribute)
          .isEqualTo(1.0);
    }
  }

  @Test
  void failureWhoseDeclaredPolicyIsNotValidGoesToTheDeadLetterTopicNamingTheField()
      throws Exception {
    String executionId = "invalid-" + UUID.randomUUID();

    send(
        TestEvents.declaring(
            TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT),
            DeclaredPolicy.newBuilder().setMultiplier(0.5).build()));

    assertThat(reason(kafka.firstRaw(RedriveTopics.ATTEMPTS.deadLetterTopic(), executionId)))
        .contains(
            "declaredPolicy.multiplier is not a valid policy: multiplier must be at least 1.0,"
                + " was 0.5");
    assertThat(commandsFor(executionId, 0)).isEmpty();
  }

  @Test
  void failureWithADeprecatedPolicyAttributeThatDoesNotParseGoesToTheDeadLetterTopic()
      throws Exception {
    String executionId = "invalid-attribute-" + UUID.randomUUID();

    send(
        TestEvents.failure(
            executionId,
            "billing",
            "payments",
            "charge",
            1,
            Retryability.SOFT,
            Map.of("redrive.policy.max-attempts", "many")));

    assertThat(reason(kafka.firstRaw(RedriveTopics.ATTEMPTS.deadLetterTopic(), executionId)))
        .contains("redrive.policy.max-attempts", "many");
    assertThat(commandsFor(executionId, 0)).isEmpty();
  }

  @Test
  void failureWithABadIdOrAnOversizedFieldIsDeadLetteredAndTheNextOneIsDecided() throws Exception {
    String executionId = "limits-" + UUID.randomUUID();

    // an error message over redrive.limits.max-text-bytes
    AttemptEvent large =
        TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT);
    ((AttemptFailed) large.getPayload()).setErrorMessage("e".repeat(300_000));
    send(large);
    // an event id with a newline (it would end every live stream of the audit)
    String forgedKey = executionId + "-forged";
    AttemptEvent forged =
        TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT);
    forged.setEventId("evt\nid: forged");
    kafka.send(RedriveTopics.ATTEMPTS.name(), forgedKey, forged);

    assertThat(reason(kafka.firstRaw(RedriveTopics.ATTEMPTS.deadLetterTopic(), executionId)))
        .contains(
            "AttemptFailed.errorMessage: 300,000 bytes, at most 262,144"
                + " (redrive.limits.max-text-bytes)");
    assertThat(reason(kafka.firstRaw(RedriveTopics.ATTEMPTS.deadLetterTopic(), forgedKey)))
        .contains("AttemptEvent.eventId: character U+000A at index 3");
    assertThat(commandsFor(executionId, 0)).isEmpty();

    // then the next valid failure gets its one command
    send(TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT));
    assertThat(commandsFor(executionId, 1)).hasSize(1);
  }

  @Test
  void processEventOverALimitIsDeadLetteredAndTheNextOneIsRecorded() throws Exception {
    String executionId = "limits-" + UUID.randomUUID();
    var started =
        TestEvents.executionStarted(executionId, "payments", List.of("prepare", "charge"));
    ((ExecutionStarted) started.getPayload()).setParameters(Map.of("target", "x".repeat(70_000)));
    kafka.send(RedriveTopics.PROCESS_EVENTS.name(), executionId, started);

    assertThat(reason(kafka.firstRaw(RedriveTopics.PROCESS_EVENTS.deadLetterTopic(), executionId)))
        .contains(
            "ExecutionStarted.parameters.target: 70,000 bytes, at most 65,536"
                + " (redrive.limits.max-parameter-bytes)");

    kafka.send(
        RedriveTopics.PROCESS_EVENTS.name(),
        executionId,
        TestEvents.executionStarted(executionId, "payments", List.of("prepare", "charge")));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator
                        .jdbc()
                        .sql("SELECT count(*) FROM execution WHERE execution_id = ?")
                        .param(executionId)
                        .query(Long.class)
                        .single()
                    == 1);
  }

  private static String reason(ConsumerRecord<String, byte[]> dead) {
    return new String(
        dead.headers().lastHeader(RedriveHeaders.DLT_REASON).value(), StandardCharsets.UTF_8);
  }

  private static void send(AttemptEvent event) throws Exception {
    kafka.send(RedriveTopics.ATTEMPTS.name(), event.getExecutionId(), event);
  }

  private static String status(String executionId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator
                    .jdbc()
                    .sql("SELECT status FROM execution WHERE execution_id = ?")
                    .param(executionId)
                    .query(String.class)
                    .optional()
                    .orElse(null),
            s -> s != null);
  }

  private static int failedAttempts(String executionId) {
    return coordinator
        .jdbc()
        .sql("SELECT failed_attempts FROM phase_failure_count WHERE execution_id = ?")
        .param(executionId)
        .query(Integer.class)
        .single();
  }

  private static List<CommandEvent> commandsFor(String executionId, int expected) {
    return kafka.read(RedriveTopics.COMMANDS.name(), executionId, expected).stream()
        .map(CommandEvent.class::cast)
        .toList();
  }

  private static List<Object> decisionsFor(String executionId, int expected) {
    return kafka.read(RedriveTopics.DECISIONS.name(), executionId, expected).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .toList();
  }
}
