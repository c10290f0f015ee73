package dev.redrive.audit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A client that reconnects with a Last-Event-ID gets only what came after it, even when a commit
 * reaches the stream while its history is being read (seen once in CI as a flaky EventStreamIT).
 */
class LiveTimelineResumeTest {

  private static final List<StoredEvent> STORED =
      List.of(event(1, "first"), event(2, "second"), event(3, "third"));

  @Test
  void eventsPublishedWhileTheHistoryIsReadDoNotRepeatWhatTheClientSaw() throws Exception {
    LiveTimeline[] live = new LiveTimeline[1];
    InMemoryAuditTrail trail =
        new InMemoryAuditTrail() {
          @Override
          public List<StoredEvent> timeline(String executionId, int max) {
            // a commit of the whole history reaches the stream while it is being read
            live[0].publish(STORED);
            return STORED;
          }
        };
    live[0] =
        new LiveTimeline(
            trail, new SimpleMeterRegistry(), new StreamLimits(10, 10, Duration.ofMinutes(1), 100));
    trail.events.addAll(STORED);
    List<String> sent = new CopyOnWriteArrayList<>();
    try {
      live[0].follow("exec", "first", sink(sent), "127.0.0.1");

      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 2);
      assertThat(sent).containsExactly("second", "third");
    } finally {
      live[0].destroy();
    }
  }

  @Test
  void oneCatchUpRoundReadsAtMostTheTimelineBound() throws Exception {
    // given a stream that started on the first 5 of 12 stored events (the bound is 5)
    List<Integer> read = new CopyOnWriteArrayList<>();
    InMemoryAuditTrail trail =
        new InMemoryAuditTrail() {
          @Override
          public List<StoredEvent> findAll(java.util.Collection<String> eventIds) {
            read.add(eventIds.size());
            return super.findAll(eventIds);
          }
        };
    for (int i = 1; i <= 12; i++) {
      trail.events.add(event(i, "e" + i));
    }
    LiveTimeline live =
        new LiveTimeline(
            trail, new SimpleMeterRegistry(), new StreamLimits(10, 10, Duration.ofMinutes(1), 5));
    List<String> sent = new CopyOnWriteArrayList<>();
    try {
      live.follow("exec", null, sink(sent), "127.0.0.1");
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 5);

      // when the catch-up runs round after round
      for (int round = 0; round < 3; round++) {
        live.catchUp();
      }

      // then each round read at most 5, and every event arrived once
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 12);
      assertThat(read).isNotEmpty().allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(5));
      assertThat(sent).hasSize(12).doesNotHaveDuplicates();
    } finally {
      live.destroy();
    }
  }

  private static EventSink sink(List<String> sent) {
    return new EventSink() {
      @Override
      public void send(StoredEvent event) {
        sent.add(event.eventId());
      }

      @Override
      public void heartbeat() {}

      @Override
      public void failed(Exception cause) {}

      @Override
      public void close() {}
    };
  }

  private static StoredEvent event(long id, String eventId) {
    return new StoredEvent(
        id,
        new AuditedEvent(
            eventId,
            "exec",
            "AttemptStarted",
            "redrive.attempts",
            0,
            id,
            "test",
            "demo",
            null,
            Instant.EPOCH.plusMillis(id),
            "{}"));
  }
}
