package dev.redrive.audit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What both kinds of live stream get from {@link LiveStreams}, on a stream of plain words. */
class LiveStreamsTest {

  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final StreamAdmission admission = new StreamAdmission(10, 2);
  private LiveStreams<WordSink, Words> streams;

  @AfterEach
  void shutDown() {
    streams.shutdown();
  }

  @Test
  void shouldWriteInOrderThenHeartbeatWhenNothingWaits() {
    // given a stream with two words waiting
    streams = new LiveStreams<>("test-stream", admission, Duration.ofMinutes(1), meters);
    WordSink sink = new WordSink();
    Words words =
        streams.open("10.0.0.1", () -> new Words(sink, "10.0.0.1"), w -> w.offer("a", "b"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 2);

    // when a catch-up round finds it active
    streams.heartbeatOrCloseIdle(closed -> {});

    // then it wrote the words in order, then a heartbeat, and is still open
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 3);
    assertThat(sink.written).containsExactly("a", "b", "<heartbeat>");
    assertThat(streams.all()).containsExactly(words);
    assertThat(admission.open()).isEqualTo(1);
  }

  @Test
  void shouldCloseIdleStreamsCountThemAndGiveBackTheirPlaces() {
    // given two streams that sent nothing for longer than the idle timeout
    streams = new LiveStreams<>("test-stream", admission, Duration.ofNanos(1), meters);
    WordSink first = new WordSink();
    WordSink second = new WordSink();
    streams.open("10.0.0.1", () -> new Words(first, "10.0.0.1"), w -> {});
    streams.open("10.0.0.2", () -> new Words(second, "10.0.0.2"), w -> {});
    List<Words> closed = new CopyOnWriteArrayList<>();

    // when a catch-up round runs
    streams.heartbeatOrCloseIdle(closed::add);

    // then both are closed, counted, handed over to be logged, and their places are free
    assertThat(closed).extracting(Words::address).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(first.closed).isTrue();
    assertThat(second.closed).isTrue();
    assertThat(meters.counter("redrive.audit.stream.idle.closed").count()).isEqualTo(2);
    assertThat(streams.isEmpty()).isTrue();
    assertThat(admission.open()).isZero();
  }

  @Test
  void shouldRefuseOverTheLimitAndStopAStreamWhoseWriteFailedOnce() {
    // given the address's two places taken, one by a stream whose client went away
    streams = new LiveStreams<>("test-stream", admission, Duration.ofMinutes(1), meters);
    WordSink broken = new WordSink();
    broken.failOn = "boom";
    Words failing = streams.open("10.0.0.3", () -> new Words(broken, "10.0.0.3"), w -> {});
    streams.open("10.0.0.3", () -> new Words(new WordSink(), "10.0.0.3"), w -> {});

    // then a third is refused and counted
    assertThatThrownBy(
            () -> streams.open("10.0.0.3", () -> new Words(new WordSink(), "10.0.0.3"), w -> {}))
        .isInstanceOf(StreamRefusedException.class)
        .hasMessageContaining("redrive.audit.stream-max-clients-per-address");
    assertThat(meters.counter("redrive.audit.stream.rejected", "reason", "per-address").count())
        .isEqualTo(1);

    // when a write fails
    failing.offer("boom");

    // then that stream is stopped and told so, and its place is given back once
    await().atMost(Duration.ofSeconds(5)).until(() -> broken.failure != null);
    failing.stop();
    assertThat(streams.all()).hasSize(1).doesNotContain(failing);
    assertThat(admission.open()).isEqualTo(1);

    // and closing all ends the others
    streams.closeAll();
    assertThat(streams.isEmpty()).isTrue();
    assertThat(admission.open()).isZero();
  }

  /** A client that keeps what was written to it. */
  private static final class WordSink implements StreamSink {
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile String failOn;
    volatile Exception failure;
    volatile boolean closed;

    void send(String word) throws IOException {
      if (word.equals(failOn)) {
        throw new IOException("the client went away");
      }
      written.add(word);
    }

    @Override
    public void heartbeat() {
      written.add("<heartbeat>");
    }

    @Override
    public void failed(Exception cause) {
      failure = cause;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A stream of words, each sent in the order offered. */
  private final class Words extends LiveStreams.Stream<WordSink> {
    private final ArrayDeque<String> queue = new ArrayDeque<>();

    Words(WordSink sink, String address) {
      super(streams, sink, address);
    }

    synchronized void offer(String... words) {
      queue.addAll(List.of(words));
      drainLater();
    }

    @Override
    LiveStreams.Write<WordSink> next() {
      String word = queue.poll();
      return word == null ? null : sink -> sink.send(word);
    }

    @Override
    boolean pending() {
      return !queue.isEmpty();
    }

    @Override
    void dropPending() {
      queue.clear();
    }
  }
}
