package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Retryability;
import dev.redrive.coordinator.app.AttemptReport;
import dev.redrive.coordinator.app.BudgetCounts;
import dev.redrive.coordinator.app.BudgetScope;
import dev.redrive.coordinator.app.BudgetStore;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.RecordAttempt;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** Scheduled retries across a restart, and the retry budget, on a real broker and PostgreSQL. */
class CoordinatorResilienceIT {

  @Test
  void scheduledRetrySurvivesARestartOfTheCoordinatorAndIsSentOnceAndNotEarly() throws Exception {
    try (CoordinatorUnderTest coordinator =
            new CoordinatorUnderTest(
                "redrive.coordinator.policy.initial-interval=4s",
                "redrive.coordinator.policy.jitter=NONE");
        KafkaProbe kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl)) {
      String id = "restart-" + UUID.randomUUID();

      // given a retry scheduled 4 s after the failure
      kafka.send(
          RedriveTopics.ATTEMPTS.name(),
          id,
          TestEvents.failure(id, "billing", "payments", "charge", 1, Retryability.SOFT));
      Instant dueAt = awaitScheduled(coordinator, id);

      // when the coordinator stops before it is due, and a new one starts
      coordinator.stop();
      coordinator.start();

      // then the command is sent exactly once, not before its due time
      List<Object> commands = kafka.read(RedriveTopics.COMMANDS.name(), id, 1);
      assertThat(commands).hasSize(1);
      RetryCommand retry = (RetryCommand) ((CommandEvent) commands.get(0)).getPayload();
      // its row was due at the next 10 ms step at or after its notBefore (rows share such steps)
      assertThat(Duration.between(retry.getNotBefore(), dueAt))
          .isBetween(Duration.ZERO, Duration.ofMillis(9));
      ConsumerRecord<String, byte[]> record = kafka.firstRaw(RedriveTopics.COMMANDS.name(), id);
      assertThat(Instant.ofEpochMilli(record.timestamp())).isAfterOrEqualTo(dueAt);
    }
  }

  @Test
  void retryBudgetPausesInsteadOfRetryingWhenAPipelineFailsEverywhere() throws Exception {
    try (CoordinatorUnderTest coordinator =
            new CoordinatorUnderTest(
                "redrive.coordinator.policy.initial-interval=100ms",
                "redrive.coordinator.budget.ratio=0.5",
                "redrive.coordinator.budget.min-retries=2",
                "redrive.coordinator.budget.window=10m");
        KafkaProbe kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl)) {
      String pipeline = "storm-" + UUID.randomUUID();

      // when five executions of one pipeline fail at once
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = "storm-" + i + "-" + UUID.randomUUID();
        ids.add(id);
        kafka.send(
            RedriveTopics.ATTEMPTS.name(),
            id,
            TestEvents.failure(
                id, "source-" + UUID.randomUUID(), pipeline, "charge", 1, Retryability.SOFT));
      }

      // then two retries go out (the floor; 2 retries > 50% of 5 attempts), the rest are paused
      int retried = 0;
      int refused = 0;
      for (String id : ids) {
        Object decision =
            ((DecisionEvent) kafka.read(RedriveTopics.DECISIONS.name(), id, 1).get(0)).getPayload();
        if (decision instanceof InterventionRequired intervention) {
          assertThat(intervention.getReason())
              .startsWith("retry budget of pipeline " + pipeline + " exhausted");
          refused++;
        } else {
          retried++;
        }
      }
      assertThat(retried).isEqualTo(2);
      assertThat(refused).isEqualTo(3);
      MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
      assertThat(meters.get("redrive.retries.refused").tag("reason", "budget").counter().count())
          .isEqualTo(3.0);
    }
  }

  @Test
  void aBatchWhoseBudgetOtherConsumersSpentMeanwhileIsDecidedAgainAndRefused() throws Exception {
    try (CoordinatorUnderTest coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.budget.ratio=0.5",
            "redrive.coordinator.budget.min-retries=0",
            "redrive.coordinator.budget.window=10m")) {
      String pipeline = "overtaken-" + UUID.randomUUID();
      String source = "source-" + UUID.randomUUID();
      BudgetScope pipelineScope = new BudgetScope("pipeline", pipeline);
      BudgetScope sourceScope = new BudgetScope("source", source);
      BudgetStore store = coordinator.context().getBean(BudgetStore.class);
      TransactionTemplate transactions = coordinator.context().getBean(TransactionTemplate.class);
      Duration window = Duration.ofMinutes(10);

      // given a window of 2 attempts and no retry, in which one more failure may retry (1 <= 1.5)
      transactions.executeWithoutResult(
          status ->
              store.countForBudget(
                  Map.of(
                      pipelineScope, new BudgetCounts(0, 2), sourceScope, new BudgetCounts(0, 2)),
                  window));
      // and another consumer that holds the pipeline's budget, having spent a retry of it
      BudgetHolder other =
          BudgetHolder.hold(
              store, transactions, Map.of(pipelineScope, new BudgetCounts(1, 0)), window);

      // when a failure of the pipeline is decided meanwhile (it reads the budget before the other
      // commits, and waits for it at its end)
      String id = "overtaken-" + UUID.randomUUID();
      RecordAttempt recordAttempt = coordinator.context().getBean(RecordAttempt.class);
      CompletableFuture<Void> decided =
          CompletableFuture.runAsync(
              () -> recordAttempt.record(List.of(failure(id, pipeline, source))));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> waitingForALock(coordinator) > 0);
      other.commit();
      decided.get(30, TimeUnit.SECONDS);

      // then it is decided again and the budget refuses (2 retries > half of 3 attempts)
      assertThat(
              coordinator
                  .jdbc()
                  .sql("SELECT status FROM execution WHERE execution_id = ?")
                  .param(id)
                  .query(String.class)
                  .single())
          .isEqualTo("PAUSED");
      MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
      assertThat(meters.get("redrive.budget.overtaken").counter().count()).isEqualTo(1.0);
      assertThat(meters.get("redrive.retries.refused").tag("reason", "budget").counter().count())
          .isEqualTo(1.0);
      assertThat(meters.find("redrive.retries.scheduled").tag("phase", "charge").counter())
          .as("the retry of the rolled-back decision is not counted")
          .isNull();
    }
  }

  @Test
  void aBatchOneOfWhoseFailuresAnotherConsumerRecordedMeanwhileIsDecidedAgain() throws Exception {
    try (CoordinatorUnderTest coordinator = new CoordinatorUnderTest()) {
      String id = "meanwhile-" + UUID.randomUUID();
      AttemptReport.Failed failed = failure(id, "pipeline-" + id, "runner");
      // given another consumer that recorded the same failure and has not committed yet (the same
      // report, redelivered to the partition's new owner during a rebalance)
      DataSource dataSource = coordinator.context().getBean(DataSource.class);
      try (Connection other = dataSource.getConnection()) {
        other.setAutoCommit(false);
        try (PreparedStatement insert =
            other.prepareStatement(
                """
                INSERT INTO attempt (attempt_id, execution_id, phase, attempt_number, outcome,
                  failure_type, hard, occurred_at, decision)
                VALUES (?, ?, 'charge', 1, 'FAILED', 'COMMAND_FAILED', false, now(), 'RETRY')""")) {
          insert.setString(1, failed.failure().attemptId());
          insert.setString(2, id);
          insert.executeUpdate();
        }

        // when this consumer decides it meanwhile (it finds the attempt not ended, and waits for
        // the other's row when it records its failure)
        RecordAttempt recordAttempt = coordinator.context().getBean(RecordAttempt.class);
        CompletableFuture<Void> decided =
            CompletableFuture.runAsync(() -> recordAttempt.record(List.of(failed)));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> waitingForALock(coordinator) > 0);
        other.commit();
        decided.get(30, TimeUnit.SECONDS);
      }

      // then its batch is rolled back and decided again, and finds the failure recorded: nothing
      // is written twice, and no second retry is scheduled
      MeterRegistry meters = coordinator.context().getBean(MeterRegistry.class);
      assertThat(meters.get("redrive.attempts.recorded.meanwhile").counter().count())
          .isEqualTo(1.0);
      assertThat(
              meters
                  .get("redrive.attempt.reports.repeated")
                  .tag("report", "failed")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(meters.find("redrive.retries.scheduled").tag("phase", "charge").counter())
          .as("the retry of the rolled-back decision is not counted, and none follows")
          .isNull();
      assertThat(
              coordinator
                  .jdbc()
                  .sql("SELECT coalesce(error_type, 'none') FROM attempt WHERE attempt_id = ?")
                  .param(failed.failure().attemptId())
                  .query(String.class)
                  .single())
          .as("the other consumer's row, as it wrote it")
          .isEqualTo("none");
      assertThat(coordinator.failureCounts(id)).containsExactly(1);
    }
  }

  private static AttemptReport.Failed failure(String executionId, String pipeline, String source) {
    Instant now = Instant.now();
    return new AttemptReport.Failed(
        new EventMeta(UUID.randomUUID().toString(), executionId, pipeline, source, now, null),
        new Failure(
            "att-" + UUID.randomUUID(),
            "charge",
            1,
            FailureType.COMMAND_FAILED,
            false,
            "exit",
            "card declined",
            1,
            List.of(),
            10,
            null,
            now,
            null,
            null),
        PolicyOverride.NONE,
        null,
        Map.of());
  }

  private static int waitingForALock(CoordinatorUnderTest coordinator) {
    return coordinator
        .jdbc()
        .sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'")
        .query(Integer.class)
        .single();
  }

  private static Instant awaitScheduled(CoordinatorUnderTest coordinator, String id) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator
                    .jdbc()
                    .sql(
                        "SELECT o.due_at FROM outbox o, unnest(o.topics, o.message_keys) AS m(t, k)"
                            + " WHERE m.k = ? AND m.t = 'redrive.commands'")
                    .param(id)
                    .query((rs, n) -> rs.getTimestamp(1).toInstant())
                    .optional()
                    .orElse(null),
            due -> due != null);
  }
}
