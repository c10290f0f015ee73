package dev.redrive.audit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redrive.audit.domain.EventFacts;
import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LiveIndexTest {

  private static final Instant T0 = Instant.parse("2026-11-23T15:41:51Z");

  private final List<ExecutionIndex.Change> stored = new CopyOnWriteArrayList<>();
  private final StreamLimits limits = new StreamLimits(10, 1, Duration.ofMinutes(1), 100);
  private final StreamAdmission admission = new StreamAdmission(10, 1);
  private final LiveIndex live =
      new LiveIndex(new FakeIndex(), limits, admission, new SimpleMeterRegistry());

  @Test
  void sendsEachChangeOnceSayingWhetherItMatchesTheWatchersFilters() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    stored.add(change(1, "exec-old", "demo"));
    try {
      LiveIndex.Watcher watcher =
          live.watch(new IndexQuery("demo", null, null, null, 50), T0, sink(sent), "10.0.0.1");

      live.publish(List.of(change(2, "exec-a", "demo"), change(3, "exec-b", "other")));
      live.publish(List.of(change(2, "exec-a", "demo"))); // the same change again
      live.publish(List.of(change(4, "exec-a", "demo")));

      await().atMost(Duration.ofSeconds(5)).until(() -> sent.contains("exec-a#4 true"));
      assertThat(sent)
          .startsWith("exec-old#1 true")
          .contains("exec-b#3 false")
          .doesNotHaveDuplicates();
      watcher.stop();
      assertThat(admission.open()).isZero();
    } finally {
      live.destroy();
    }
  }

  @Test
  void countsAgainstTheSameStreamLimitsAsTheTimelines() {
    try {
      live.watch(new IndexQuery(null, null, null, null, 50), null, sink(List.of()), "10.0.0.2");

      assertThatThrownBy(
              () ->
                  live.watch(
                      new IndexQuery(null, null, null, null, 50),
                      null,
                      sink(List.of()),
                      "10.0.0.2"))
          .isInstanceOf(StreamRefusedException.class)
          .hasMessageContaining("redrive.audit.stream-max-clients-per-address");
    } finally {
      live.destroy();
    }
  }

  private static ExecutionIndex.Change change(long number, String executionId, String pipeline) {
    ExecutionSummary summary =
        ExecutionSummary.empty(executionId)
            .apply(
                new ExecutionSummary.Event(
                    "ExecutionStarted", T0.plusSeconds(number), pipeline, null, EventFacts.NONE));
    return new ExecutionIndex.Change(number, summary);
  }

  private static LiveIndex.Sink sink(List<String> sent) {
    return new LiveIndex.Sink() {
      @Override
      public void send(ExecutionIndex.Change change, boolean matches) {
        sent.add(change.summary().executionId() + "#" + change.change() + " " + matches);
      }

      @Override
      public void heartbeat() {}

      @Override
      public void failed(Exception cause) {}

      @Override
      public void close() {}
    };
  }

  private final class FakeIndex implements ExecutionIndex {
    @Override
    public List<Change> record(List<StoredEvent> events) {
      return List.of();
    }

    @Override
    public List<ExecutionSummary> page(IndexQuery query) {
      return List.of();
    }

    @Override
    public List<Change> changedSince(Instant since, int max) {
      return List.copyOf(stored);
    }

    @Override
    public Instant now() {
      return T0;
    }

    @Override
    public int deleteEndedBefore(Instant cutoff, int limit) {
      return 0;
    }
  }
}
