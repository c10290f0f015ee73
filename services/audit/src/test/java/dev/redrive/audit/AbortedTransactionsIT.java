package dev.redrive.audit;

import static dev.redrive.audit.Events.attemptFailed;
import static dev.redrive.audit.Events.attemptStarted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.AbortedWrite;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another system writes an event in a Kafka transaction and rolls it back: the audit reads {@code
 * read_committed} and never stores it.
 */
class AbortedTransactionsIT {

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit = RunningAudit.start("aborted");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void anEventOfAnAbortedTransactionIsNotStored() {
    // given an AttemptFailed written in a transaction that was aborted
    String executionId = "exec-" + UUID.randomUUID();
    Instant t0 = Instant.now();
    AttemptEvent aborted =
        attemptFailed(
            executionId, "demo", "build", 1, FailureType.COMMAND_FAILED, "rolled back", null, t0);
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", audit.registry), false);
    AbortedWrite.write(
        RunningAudit.INFRASTRUCTURE.kafkaBootstrapServers(),
        serializer,
        RedriveTopics.ATTEMPTS.name(),
        null,
        executionId,
        aborted);

    // when a committed event of the same execution follows on the same partition
    AttemptEvent committed = attemptStarted(executionId, "demo", "build", 1, null, t0);
    audit.send(committed);

    // then only the committed one is in the timeline
    audit.timeline(executionId, 1);
    assertThat(audit.timeline(executionId))
        .extracting(e -> e.path("eventId").asString())
        .containsExactly(committed.getEventId());
    assertThat(
            audit
                .jdbc()
                .sql("SELECT count(*) FROM audit_event WHERE event_id = ?")
                .param(aborted.getEventId())
                .query(Long.class)
                .single())
        .isZero();
  }
}
