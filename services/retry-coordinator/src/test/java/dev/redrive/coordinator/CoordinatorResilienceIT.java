package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.InterventionRequired;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Retryability;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

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
      assertThat(retry.getNotBefore()).isEqualTo(dueAt);
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

  private static Instant awaitScheduled(CoordinatorUnderTest coordinator, String id) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator
                    .jdbc()
                    .sql(
                        "SELECT due_at FROM outbox WHERE message_key = ? AND topic = 'redrive.commands'")
                    .param(id)
                    .query((rs, n) -> rs.getTimestamp(1).toInstant())
                    .optional()
                    .orElse(null),
            due -> due != null);
  }
}
