package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Retryability;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The attempts listener takes a whole poll as one batch: records held back while the listener is
 * paused arrive together, in one partition, in the order sent.
 */
class BatchedAttemptsIT {

  private static final String ATTEMPTS = RedriveTopics.ATTEMPTS.name();

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            "redrive.coordinator.budget.ratio=0.5",
            "redrive.coordinator.budget.min-retries=2",
            "redrive.coordinator.budget.window=10m");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void poisonAndInvalidRecordsInTheMiddleOfABatchGoToTheDeadLetterTopicAndTheOthersAreDecided()
      throws Exception {
    String a = "batch-a-" + UUID.randomUUID();
    String b = "batch-b-" + UUID.randomUUID();
    String poison = "batch-poison-" + UUID.randomUUID();
    String invalid = "batch-invalid-" + UUID.randomUUID();
    String d = "batch-d-" + UUID.randomUUID();

    // given one batch: two failures, a record that does not decode, an invalid failure, two more
    inOneBatch(
        () -> {
          send(failure(a, 1));
          send(failure(b, 1));
          kafka.sendRaw(ATTEMPTS, 0, poison, "not avro".getBytes(StandardCharsets.UTF_8));
          send(
              TestEvents.declaring(
                  failure(invalid, 1), DeclaredPolicy.newBuilder().setMaxAttempts(0).build()));
          send(failure(d, 1));
          send(failure(a, 2));
        });

    // then the records before and after the bad ones are decided, each execution in its order
    assertThat(retryOf(commandsFor(a, 1).get(0)).getAttemptNumber()).isEqualTo(2);
    assertThat(commandsFor(b, 1)).hasSize(1);
    assertThat(commandsFor(d, 1)).hasSize(1);
    InterventionRequired paused = intervention(a);
    assertThat(paused.getReason())
        .isEqualTo("attempts exhausted: 2 failures counted, 2 attempts allowed");
    assertThat(paused.getHistory()).hasSize(2);

    // and the bad ones are in the dead-letter topic, with the reason
    assertThat(deadLetterReason(poison)).isNotBlank();
    assertThat(deadLetterReason(invalid)).contains("declaredPolicy.maxAttempts", "at least 1");
    assertThat(commandsFor(invalid, 0)).isEmpty();
  }

  @Test
  void aRecordThatBreaksItsDecisionIsFoundOneByOneAndDeadLetteredAfterItsRetries()
      throws Exception {
    String before = "culprit-before-" + UUID.randomUUID();
    String culprit = "culprit-" + UUID.randomUUID();
    String after = "culprit-after-" + UUID.randomUUID();
    AttemptEvent broken = failure(culprit, 1);
    // PostgreSQL cannot store a NUL character in text: the whole batch's transaction fails
    ((AttemptFailed) broken.getPayload()).setErrorMessage("zero byte \u0000 in the message");

    inOneBatch(
        () -> {
          send(failure(before, 1));
          send(broken);
          send(failure(after, 1));
        });

    assertThat(commandsFor(before, 1)).hasSize(1);
    assertThat(commandsFor(after, 1)).hasSize(1);
    assertThat(deadLetterReason(culprit)).isNotBlank();
    assertThat(commandsFor(culprit, 0)).isEmpty();
  }

  @Test
  void duplicatesInOneBatchAndAcrossBatchesAreCountedOnce() throws Exception {
    String id = "batch-dup-" + UUID.randomUUID();
    AttemptEvent original = failure(id, 1);
    AttemptEvent sameAttemptOtherEventId =
        AttemptEvent.newBuilder(original).setEventId(UUID.randomUUID().toString()).build();

    // when the same failure comes three times in one batch, twice with the same event id
    inOneBatch(
        () -> {
          send(original);
          send(original);
          send(sameAttemptOtherEventId);
        });
    assertThat(commandsFor(id, 1)).hasSize(1);

    // and once more in a later batch
    send(original);

    // then it was counted and retried once
    assertThat(commandsFor(id, 1)).hasSize(1);
    assertThat(coordinator.failureCounts(id)).containsExactly(1);
  }

  @Test
  void retryBudgetCountsTheDecisionsMadeEarlierInTheSameBatch() throws Exception {
    String pipeline = "batch-storm-" + UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add("batch-storm-" + i + "-" + UUID.randomUUID());
    }

    // when five executions of one pipeline fail in one batch
    inOneBatch(
        () -> {
          for (String id : ids) {
            send(TestEvents.failure(id, "src-" + id, pipeline, "charge", 1, Retryability.SOFT));
          }
        });

    // then, as if decided one by one: the first two are retried (the floor), the others paused
    List<Boolean> retried = new ArrayList<>();
    for (String id : ids) {
      Object decision =
          ((DecisionEvent) kafka.read(RedriveTopics.DECISIONS.name(), id, 1).get(0)).getPayload();
      retried.add(!(decision instanceof InterventionRequired));
    }
    assertThat(retried).containsExactly(true, true, false, false, false);
  }

  private interface Sends {
    void run() throws Exception;
  }

  /** Holds the attempts listener back while {@code sends} run, so their records form one poll. */
  private static void inOneBatch(Sends sends) throws Exception {
    MessageListenerContainer listener =
        coordinator
            .context()
            .getBean(KafkaListenerEndpointRegistry.class)
            .getListenerContainer("coordinator-attempts");
    listener.pause();
    await().atMost(Duration.ofSeconds(30)).until(listener::isContainerPaused);
    try {
      sends.run();
    } finally {
      listener.resume();
    }
  }

  @Test
  void aPhasesFirstFailureIsCountedOnItsAttemptAloneOnlyWhenTheRecordsAreKeyedByExecution()
      throws Exception {
    String keyed = "batch-keyed-" + UUID.randomUUID();
    String unkeyed = "batch-unkeyed-" + UUID.randomUUID();

    // when the first failure of a phase comes keyed by its execution id, as the contract asks, and
    // another in a poll of its own keyed otherwise
    send(failure(keyed, 1));
    assertThat(commandsFor(keyed, 1)).hasSize(1);
    kafka.send(ATTEMPTS, 0, "not-" + unkeyed, failure(unkeyed, 1));
    assertThat(commandsFor(unkeyed, 1)).hasSize(1);

    // then both count 1, the first on its FAILED attempt alone, the second on its phase's row
    assertThat(coordinator.failureCounts(keyed)).containsExactly(1);
    assertThat(coordinator.failureCounts(unkeyed)).containsExactly(1);
    assertThat(counterRows(keyed)).isZero();
    assertThat(counterRows(unkeyed)).isEqualTo(1);
  }

  private static int counterRows(String executionId) {
    return coordinator
        .jdbc()
        .sql("SELECT count(*) FROM phase_counter WHERE execution_id = ?")
        .param(executionId)
        .query(Integer.class)
        .single();
  }

  /** A failure of an execution with a pipeline and a source of its own (its own retry budget). */
  private static AttemptEvent failure(String executionId, int attempt) {
    return TestEvents.failure(
        executionId,
        "src-" + executionId,
        "pipe-" + executionId,
        "charge",
        attempt,
        Retryability.SOFT);
  }

  private static void send(AttemptEvent event) throws Exception {
    kafka.send(ATTEMPTS, 0, event.getExecutionId(), event);
  }

  private static String deadLetterReason(String key) {
    ConsumerRecord<String, byte[]> dead =
        kafka.firstRaw(RedriveTopics.ATTEMPTS.deadLetterTopic(), key);
    return new String(
        dead.headers().lastHeader(RedriveHeaders.DLT_REASON).value(), StandardCharsets.UTF_8);
  }

  private static InterventionRequired intervention(String executionId) {
    return kafka.read(RedriveTopics.DECISIONS.name(), executionId, 3).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .filter(InterventionRequired.class::isInstance)
        .map(InterventionRequired.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static RetryCommand retryOf(CommandEvent command) {
    return (RetryCommand) command.getPayload();
  }

  private static List<CommandEvent> commandsFor(String executionId, int expected) {
    return kafka.read(RedriveTopics.COMMANDS.name(), executionId, expected).stream()
        .map(CommandEvent.class::cast)
        .toList();
  }
}
