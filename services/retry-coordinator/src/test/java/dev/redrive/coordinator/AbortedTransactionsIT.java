package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Retryability;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.AbortedWrite;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another system writes a failure in a Kafka transaction and rolls it back: the coordinator must
 * not see it (it reads {@code read_committed}), on redrive.attempts and on an external source. Each
 * aborted record is followed on the same partition by a committed one, which is decided: the
 * consumer is live and went past the aborted record.
 */
class AbortedTransactionsIT {

  private static final String BILLING = "billing.failures." + UUID.randomUUID();

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            "redrive.coordinator.sources.billing.topic=" + BILLING,
            "redrive.coordinator.sources.billing.format=JSON",
            "redrive.coordinator.sources.billing.mapping.execution-id=order",
            "redrive.coordinator.sources.billing.mapping.phase=step",
            "redrive.coordinator.sources.billing.mapping.message=error");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void abortedAttemptFailedGetsNoRetryCommandAndIsNotRecorded() throws Exception {
    String aborted = "aborted-" + UUID.randomUUID();
    String committed = "committed-" + UUID.randomUUID();

    // given another system that wrote a failure and aborted its transaction
    AbortedWrite.write(
        coordinator.infrastructure.kafkaBootstrapServers(),
        avroSerializer(),
        RedriveTopics.ATTEMPTS.name(),
        0,
        aborted,
        failure(aborted));
    // and then, on the same partition, a committed failure
    kafka.send(RedriveTopics.ATTEMPTS.name(), 0, committed, failure(committed));

    // then the committed one is decided
    RetryCommand retry =
        (RetryCommand)
            ((CommandEvent) kafka.read(RedriveTopics.COMMANDS.name(), committed, 1).get(0))
                .getPayload();
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    // and the aborted one left no command and no trace in the coordinator's database
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), aborted, 0)).isEmpty();
    assertThat(rowsOf(aborted)).isZero();
  }

  @Test
  void abortedFailureOnAnExternalSourceGetsNoRetryCommand() throws Exception {
    String aborted = "order-aborted-" + UUID.randomUUID();
    String committed = "order-committed-" + UUID.randomUUID();

    AbortedWrite.write(
        coordinator.infrastructure.kafkaBootstrapServers(),
        new ByteArraySerializer(),
        BILLING,
        0,
        aborted,
        json(aborted));
    kafka.sendRaw(BILLING, 0, committed, json(committed));

    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), committed, 1)).hasSize(1);
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), aborted, 0)).isEmpty();
    assertThat(rowsOf(aborted)).isZero();
  }

  private static AttemptEvent failure(String executionId) {
    return TestEvents.failure(executionId, "billing", "payments", "charge", 1, Retryability.SOFT);
  }

  private static byte[] json(String order) {
    return """
        {"order": "%s", "step": "charge", "error": "card declined"}"""
        .formatted(order)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static RedriveAvroSerializer avroSerializer() {
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", coordinator.registryUrl), false);
    return serializer;
  }

  /** Rows about the execution in the coordinator's tables that any failure writes. */
  private static long rowsOf(String executionId) {
    return coordinator
        .jdbc()
        .sql(
            "SELECT (SELECT count(*) FROM execution WHERE execution_id = :id)"
                + " + (SELECT count(*) FROM attempt WHERE execution_id = :id)")
        .param("id", executionId)
        .query(Long.class)
        .single();
  }
}
