package dev.redrive.audit.app;

import dev.redrive.audit.domain.IndexQuery;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The index page's live rows: a client watches the execution index and gets each changed summary
 * once it is committed, so new executions appear and rows change status without a reload.
 *
 * <p>It works like {@link LiveTimeline}: {@link #publish} hands over what this instance committed,
 * {@link #catchUp} (on the same schedule) reads the rows other instances changed recently and sends
 * a heartbeat; the same {@link StreamAdmission} counts these streams with the timelines' (one more
 * is refused with {@link StreamRefusedException}), and a stream that sent nothing for the idle
 * timeout is closed. Each client is written to by one thread at a time from a pool of its own (all
 * of which {@link LiveStreams} does for both), and what waits for a slow client is at most one (the
 * latest) summary per execution.
 */
@Service
public class LiveIndex implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LiveIndex.class);

  /**
   * How far back a catch-up looks past the previous one: a batch may commit this long after it
   * changed a row.
   */
  static final Duration CATCH_UP_OVERLAP = Duration.ofSeconds(30);

  /**
   * Most rows a stream starts with (those changed since its page was read): a page that reconnects
   * after a long time gets the latest changes, not all of them (it shows at most 200 rows).
   */
  static final int MAX_REPLAY = 500;

  /** Most changes a watcher remembers having sent, to send each state once. */
  static final int REMEMBERED = 10_000;

  private final ExecutionIndex index;
  private final StreamLimits limits;
  private final LiveStreams<Sink, Watcher> streams;
  private volatile Instant caughtUpTo;

  public LiveIndex(
      ExecutionIndex index, StreamLimits limits, StreamAdmission admission, MeterRegistry meters) {
    this.index = index;
    this.limits = limits;
    this.streams = new LiveStreams<>("audit-index-stream", admission, limits.idleTimeout(), meters);
  }

  /** Where an index stream writes: one client. */
  public interface Sink extends StreamSink {
    /**
     * Writes one changed summary; {@code matches} says whether it belongs in the client's listing
     * (a row that no longer matches is taken off). An exception ends the stream.
     */
    void send(ExecutionIndex.Change change, boolean matches) throws IOException;
  }

  /**
   * Starts watching the index for the rows of {@code filter} (its cursor and limit do not matter):
   * first what changed since {@code since} (the time the client's page was read, so nothing in
   * between is missed; the latest {@link #MAX_REPLAY} at most), then each change as it is
   * committed.
   *
   * @throws StreamRefusedException when this address, or the instance, has as many streams open as
   *     it may
   */
  public Watcher watch(IndexQuery filter, Instant since, Sink sink, String clientAddress) {
    return streams.open(
        clientAddress,
        () -> new Watcher(filter, sink, clientAddress),
        watcher -> {
          if (since != null) {
            watcher.offer(
                index.changedSince(since, Math.min(MAX_REPLAY, limits.maxTimelineEvents())));
          }
        });
  }

  /** Hands the summaries this instance just committed to every watcher. */
  public void publish(List<ExecutionIndex.Change> committed) {
    if (committed.isEmpty() || streams.isEmpty()) {
      return;
    }
    for (Watcher watcher : streams.all()) {
      watcher.offer(committed);
    }
  }

  /**
   * Sends each watcher the rows changed since the previous round (less {@link #CATCH_UP_OVERLAP})
   * that it has not had (other instances' commits), then a heartbeat; closes idle streams.
   */
  public void catchUp() {
    if (streams.isEmpty()) {
      caughtUpTo = null;
      return;
    }
    Instant now = index.now();
    Instant from = caughtUpTo == null ? now : caughtUpTo;
    caughtUpTo = now;
    List<ExecutionIndex.Change> changed =
        index.changedSince(from.minus(CATCH_UP_OVERLAP), limits.maxTimelineEvents());
    for (Watcher watcher : streams.all()) {
      watcher.offer(changed);
    }
    streams.heartbeatOrCloseIdle(
        watcher ->
            log.info(
                "index stream of {} closed: no change for {}",
                LogText.escape(watcher.address()),
                limits.idleTimeout()));
  }

  /** Ends every index stream when the service stops; clients reconnect. */
  @EventListener(ContextClosedEvent.class)
  public void closeAll() {
    streams.closeAll();
  }

  @Override
  public void destroy() {
    streams.shutdown();
  }

  /** One client watching the index. */
  public final class Watcher extends LiveStreams.Stream<Sink> {

    private final IndexQuery filter;
    // guarded by this: the latest unsent change per execution, in the order they came
    private final LinkedHashMap<String, ExecutionIndex.Change> pending = new LinkedHashMap<>();
    private final Map<String, Long> sent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
          }
        };

    private Watcher(IndexQuery filter, Sink sink, String address) {
      super(LiveIndex.this.streams, sink, address);
      this.filter = filter;
    }

    private synchronized void offer(List<ExecutionIndex.Change> changes) {
      if (stopped()) {
        return;
      }
      for (ExecutionIndex.Change change : changes) {
        String id = change.summary().executionId();
        Long had = sent.get(id);
        ExecutionIndex.Change waiting = pending.get(id);
        if ((had == null || had < change.change())
            && (waiting == null || waiting.change() < change.change())) {
          pending.remove(id);
          pending.put(id, change);
        }
      }
      drainLater();
    }

    @Override
    LiveStreams.Write<Sink> next() {
      if (pending.isEmpty()) {
        return null;
      }
      var first = pending.entrySet().iterator().next();
      ExecutionIndex.Change next = first.getValue();
      pending.remove(first.getKey());
      sent.put(first.getKey(), next.change());
      return sink -> sink.send(next, filter.matches(next.summary()));
    }

    @Override
    boolean pending() {
      return !pending.isEmpty();
    }

    @Override
    void dropPending() {
      pending.clear();
    }
  }
}
