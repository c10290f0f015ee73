package dev.redrive.audit.app;

import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexQuery;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * timeout is closed. Each client is written to by one thread at a time from a pool of its own, and
 * what waits for a slow client is at most one (the latest) summary per execution.
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
  private final StreamAdmission admission;
  private final MeterRegistry meters;
  private final Counter idleClosed;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private final ExecutorService delivery =
      Executors.newCachedThreadPool(
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable task) {
              Thread thread = new Thread(task, "audit-index-stream-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            }
          });
  private volatile Instant caughtUpTo;

  public LiveIndex(
      ExecutionIndex index, StreamLimits limits, StreamAdmission admission, MeterRegistry meters) {
    this.index = index;
    this.limits = limits;
    this.admission = admission;
    this.meters = meters;
    this.idleClosed = meters.counter("redrive.audit.stream.idle.closed");
  }

  /** Where an index stream writes: one client. */
  public interface Sink {
    /**
     * Writes one changed summary; {@code matches} says whether it belongs in the client's listing
     * (a row that no longer matches is taken off). An exception ends the stream.
     */
    void send(ExecutionIndex.Change change, boolean matches) throws IOException;

    /** Writes something the client ignores, so that a client that went away is noticed. */
    void heartbeat() throws IOException;

    /** The stream ended because a write failed. */
    void failed(Exception cause);

    /** Ends the stream normally (the service is stopping). */
    void close();
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
    StreamAdmission.Verdict verdict = admission.admit(clientAddress);
    if (verdict != StreamAdmission.Verdict.ADMITTED) {
      throw LiveTimeline.refusal(admission, meters, verdict, clientAddress);
    }
    Watcher watcher = new Watcher(filter, sink, clientAddress);
    // registered before reading, so that a change committed in between is not missed
    watchers.add(watcher);
    boolean started = false;
    try {
      if (since != null) {
        watcher.offer(index.changedSince(since, Math.min(MAX_REPLAY, limits.maxTimelineEvents())));
      }
      started = true;
    } finally {
      if (!started) {
        watcher.stop();
      }
    }
    return watcher;
  }

  /** Hands the summaries this instance just committed to every watcher. */
  public void publish(List<ExecutionIndex.Change> committed) {
    if (committed.isEmpty() || watchers.isEmpty()) {
      return;
    }
    for (Watcher watcher : watchers) {
      watcher.offer(committed);
    }
  }

  /**
   * Sends each watcher the rows changed since the previous round (less {@link #CATCH_UP_OVERLAP})
   * that it has not had (other instances' commits), then a heartbeat; closes idle streams.
   */
  public void catchUp() {
    if (watchers.isEmpty()) {
      caughtUpTo = null;
      return;
    }
    Instant now = index.now();
    Instant from = caughtUpTo == null ? now : caughtUpTo;
    caughtUpTo = now;
    List<ExecutionIndex.Change> changed =
        index.changedSince(from.minus(CATCH_UP_OVERLAP), limits.maxTimelineEvents());
    long nanos = System.nanoTime();
    for (Watcher watcher : watchers) {
      watcher.offer(changed);
      if (nanos - watcher.lastSentNanos > limits.idleTimeout().toNanos()) {
        watcher.stop();
        watcher.sink.close();
        idleClosed.increment();
        log.info(
            "index stream of {} closed: no change for {}",
            LogText.escape(watcher.address),
            limits.idleTimeout());
      } else {
        watcher.heartbeat();
      }
    }
  }

  /** Ends every index stream when the service stops; clients reconnect. */
  @EventListener(ContextClosedEvent.class)
  public void closeAll() {
    for (Watcher watcher : watchers) {
      watcher.stop();
      watcher.sink.close();
    }
  }

  @Override
  public void destroy() {
    delivery.shutdownNow();
  }

  /** One client watching the index. */
  public final class Watcher {

    private final IndexQuery filter;
    private final Sink sink;
    private final String address;
    private volatile long lastSentNanos = System.nanoTime();
    // guarded by this: the latest unsent change per execution, in the order they came
    private final LinkedHashMap<String, ExecutionIndex.Change> pending = new LinkedHashMap<>();
    private final Map<String, Long> sent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
          }
        };
    private boolean heartbeatDue;
    private boolean draining;
    private boolean stopped;
    private boolean released;

    private Watcher(IndexQuery filter, Sink sink, String address) {
      this.filter = filter;
      this.sink = sink;
      this.address = address;
    }

    /** Ends watching; called when the client has gone or the stream timed out. */
    public void stop() {
      boolean release;
      synchronized (this) {
        stopped = true;
        pending.clear();
        release = !released;
        released = true;
      }
      watchers.remove(this);
      if (release) {
        admission.release(address);
      }
    }

    private synchronized void offer(List<ExecutionIndex.Change> changes) {
      if (stopped) {
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

    private synchronized void heartbeat() {
      if (pending.isEmpty()) {
        heartbeatDue = true;
        drainLater();
      }
    }

    private void drainLater() {
      if (!stopped && !draining && (heartbeatDue || !pending.isEmpty())) {
        draining = true;
        try {
          delivery.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
          draining = false;
        }
      }
    }

    private void drain() {
      while (true) {
        ExecutionIndex.Change next = null;
        boolean beat = false;
        synchronized (this) {
          if (!stopped && !pending.isEmpty()) {
            var first = pending.entrySet().iterator().next();
            next = first.getValue();
            pending.remove(first.getKey());
            sent.put(first.getKey(), next.change());
          } else if (!stopped && heartbeatDue) {
            heartbeatDue = false;
            beat = true;
          } else {
            draining = false;
            return;
          }
        }
        try {
          if (next != null) {
            ExecutionSummary summary = next.summary();
            sink.send(next, filter.matches(summary));
            lastSentNanos = System.nanoTime();
          } else if (beat) {
            sink.heartbeat();
          }
        } catch (IOException | RuntimeException e) {
          stop();
          sink.failed(e);
          return;
        }
      }
    }
  }
}
