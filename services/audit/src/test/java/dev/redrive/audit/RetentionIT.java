package dev.redrive.audit;

import static dev.redrive.audit.Events.attemptStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** With {@code redrive.audit.retention=30d}, events older than 30 days are deleted in batches. */
class RetentionIT {

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit =
        RunningAudit.start(
            "retention",
            "--redrive.audit.retention=30d",
            "--redrive.audit.retention-interval=200ms",
            "--redrive.audit.retention-batch-size=2");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void eventsOlderThanTheRetentionAreDeletedInBatchesAndTheOthersKept() {
    // given five events that occurred 40 days ago, one 29 days ago and one now
    String executionId = "aging-" + UUID.randomUUID();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<AttemptEvent> expired = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expired.add(
          attemptStarted(
              executionId,
              "demo",
              "old-" + i,
              1,
              null,
              now.minus(Duration.ofDays(40)).plusMillis(i)));
    }
    AttemptEvent recent =
        attemptStarted(executionId, "demo", "recent", 1, null, now.minus(Duration.ofDays(29)));
    AttemptEvent current = attemptStarted(executionId, "demo", "current", 1, null, now);
    double deletedBefore = audit.count("redrive.audit.retention.deleted");

    // when they are stored and the purge runs on its schedule
    audit.send(expired.toArray(AttemptEvent[]::new));
    audit.send(recent, current);

    // then only the two younger than 30 days remain, and the deletions are counted
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> audit.count("redrive.audit.retention.deleted") - deletedBefore == 5);
    List<JsonNode> kept =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> audit.timeline(executionId), t -> t.size() == 2);
    assertThat(kept)
        .extracting(e -> e.path("eventId").asString())
        .containsExactly(recent.getEventId(), current.getEventId());
    assertThat(audit.get("/api/v1/events/" + expired.get(0).getEventId()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anExecutionWhoseLastEventIsPastTheRetentionLeavesTheIndex() {
    // given an execution whose every event occurred 40 days ago, and one with a recent event too
    String gone = "gone-" + UUID.randomUUID();
    String kept = "kept-" + UUID.randomUUID();
    Instant old = Instant.now().minus(Duration.ofDays(40));
    audit.send(
        attemptStarted(gone, "demo", "build", 1, null, old),
        attemptStarted(kept, "demo", "build", 1, null, old),
        attemptStarted(kept, "demo", "build", 2, null, Instant.now()));

    // then the purge takes the first off the index and keeps the other
    await().atMost(Duration.ofSeconds(30)).until(() -> listed(kept));
    await().atMost(Duration.ofSeconds(30)).until(() -> !listed(gone));
    assertThat(
            audit
                .jdbc()
                .sql("SELECT count(*) FROM audit_execution WHERE execution_id IN (?, ?)")
                .params(gone, kept)
                .query(Long.class)
                .single())
        .isEqualTo(1L);
  }

  private static boolean listed(String executionId) {
    return audit
        .get("/?q=" + executionId, "Accept", "text/html")
        .body()
        .contains("data-execution-id=\"" + executionId + "\"");
  }
}
