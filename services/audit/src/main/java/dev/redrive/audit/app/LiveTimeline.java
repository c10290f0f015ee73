package dev.redrive.audit.app;

import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Live timelines: a client follows an execution and gets the events stored so far, then each new
 * one as it is stored, each once.
 *
 * <p>New events come from two places. {@link #publish} hands over what this instance stored, right
 * after each commit. {@link #catchUp} (on a schedule) reads the ids of the followed executions from
 * the database and sends whatever a client has not had yet: the events other audit instances
 * stored, since each instance consumes only some partitions. It also writes a heartbeat, which is
 * how a client that went away is noticed and its stream closed.
 *
 * <p>Each client is written to by one thread at a time, from a pool of its own, so a slow client
 * never holds up the Kafka consumer or another client.
 *
 * <p>Streams are bounded ({@link StreamLimits}): so many open at once in all and from one address
 * ({@link StreamAdmission}; one more is refused with {@link StreamRefusedException}), closed when
 * they have sent no event for the idle timeout, and started from at most so many stored events.
 */
@Service
public class LiveTimeline implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LiveTimeline.class);

  private final AuditTrail trail;
  private final StreamLimits limits;
  private final StreamAdmission admission;
  private final MeterRegistry meters;
  private final Counter idleClosed;
  private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
  private final ExecutorService delivery = Executors.newCachedThreadPool(new DeliveryThreads());

  /** Live timelines with streams of their own (for tests). */
  public LiveTimeline(AuditTrail trail, MeterRegistry meters, StreamLimits limits) {
    this(
        trail,
        meters,
        limits,
        new StreamAdmission(limits.maxClients(), limits.maxClientsPerAddress()));
  }

  /**
   * @param admission the places for streams, shared with the index's live streams ({@link
   *     LiveIndex}) so that the limits count both kinds
   */
  @Autowired
  public LiveTimeline(
      AuditTrail trail, MeterRegistry meters, StreamLimits limits, StreamAdmission admission) {
    this.trail = trail;
    this.limits = limits;
    this.meters = meters;
    this.admission = admission;
    Gauge.builder("redrive.audit.stream.clients", admission, StreamAdmission::open)
        .description("Live streams open: an execution's events, or the index")
        .register(meters);
    this.idleClosed =
        Counter.builder("redrive.audit.stream.idle.closed")
            .description("Streams closed because they sent no event for the idle timeout")
            .register(meters);
  }

  /**
   * Starts following an execution: first its events so far (oldest first; with {@code lastEventId},
   * only those stored after that event), then new ones in the order they are stored. Call {@link
   * Follower#stop()} when the client is gone.
   *
   * @param clientAddress where the client connects from, for the limit per address
   * @throws StreamRefusedException when this address, or the instance, has as many streams open as
   *     it may
   */
  public Follower follow(
      String executionId, String lastEventId, EventSink sink, String clientAddress) {
    StreamAdmission.Verdict verdict = admission.admit(clientAddress);
    if (verdict != StreamAdmission.Verdict.ADMITTED) {
      throw refused(verdict, clientAddress);
    }
    Follower follower = new Follower(executionId, sink, clientAddress);
    // registered before reading, so that an event stored in between is not missed
    followers.add(follower);
    boolean started = false;
    try {
      long after =
          lastEventId == null
              ? 0
              : trail
                  .find(lastEventId)
                  .filter(last -> last.executionId().equals(executionId))
                  .map(StoredEvent::id)
                  .orElse(0L);
      follower.start(trail.timeline(executionId, limits.maxTimelineEvents()), after);
      started = true;
    } finally {
      if (!started) {
        follower.stop();
      }
    }
    return follower;
  }

  private StreamRefusedException refused(StreamAdmission.Verdict verdict, String address) {
    return refusal(admission, meters, verdict, address);
  }

  /** Counts, logs and describes a refused stream (of a timeline or of the index). */
  static StreamRefusedException refusal(
      StreamAdmission admission,
      MeterRegistry meters,
      StreamAdmission.Verdict verdict,
      String address) {
    boolean perAddress = verdict == StreamAdmission.Verdict.TOO_MANY_FROM_ADDRESS;
    int limit = perAddress ? admission.maxClientsPerAddress() : admission.maxClients();
    meters
        .counter("redrive.audit.stream.rejected", "reason", perAddress ? "per-address" : "total")
        .increment();
    log.info(
        "event stream refused to {}: {} streams open {} ({})",
        LogText.escape(address),
        limit,
        perAddress ? "from this address" : "in all",
        perAddress
            ? "redrive.audit.stream-max-clients-per-address"
            : "redrive.audit.stream-max-clients");
    String message =
        perAddress
            ? ("%d event streams are open from your address already, the most allowed"
                    + " (redrive.audit.stream-max-clients-per-address); close one or retry later.")
                .formatted(limit)
            : ("%d event streams are open on this audit instance, the most allowed"
                    + " (redrive.audit.stream-max-clients); retry later.")
                .formatted(limit);
    return new StreamRefusedException(verdict, limit, message);
  }

  /** Hands events this instance just committed to the clients that follow their executions. */
  public void publish(List<StoredEvent> committed) {
    if (committed.isEmpty() || followers.isEmpty()) {
      return;
    }
    Map<String, List<StoredEvent>> byExecution =
        committed.stream().collect(Collectors.groupingBy(StoredEvent::executionId));
    for (Follower follower : followers) {
      List<StoredEvent> events = byExecution.get(follower.executionId);
      if (events != null) {
        follower.offer(events);
      }
    }
  }

  /**
   * Sends each client the events of its execution that are in the database but not yet sent to it,
   * then a heartbeat. One round reads at most {@code maxTimelineEvents} events: a stream that
   * started on the first of an execution's many events gets the others over the next rounds instead
   * of all at once (before, one round read every one of them).
   */
  public void catchUp() {
    if (followers.isEmpty()) {
      return;
    }
    Set<String> executions = followers.stream().map(f -> f.executionId).collect(Collectors.toSet());
    Map<String, Set<String>> stored = trail.eventIdsOf(executions);
    Set<String> missing = new HashSet<>();
    int room = limits.maxTimelineEvents();
    for (Follower follower : followers) {
      List<String> unsent = follower.unsent(stored.getOrDefault(follower.executionId, Set.of()));
      for (int i = 0; i < unsent.size() && missing.size() < room; i++) {
        missing.add(unsent.get(i));
      }
    }
    if (!missing.isEmpty()) {
      publish(trail.findAll(missing));
    }
    long now = System.nanoTime();
    for (Follower follower : followers) {
      if (now - follower.lastEventNanos > limits.idleTimeout().toNanos()) {
        follower.stop();
        follower.sink.close();
        idleClosed.increment();
        log.info(
            "event stream of execution {} closed: no event for {}",
            LogText.escape(follower.executionId),
            limits.idleTimeout());
      } else {
        follower.heartbeat();
      }
    }
  }

  /**
   * Ends every stream when the service stops, before the web server waits for open requests: an
   * open stream never ends on its own. Clients reconnect (to another instance) with {@code
   * Last-Event-ID}.
   */
  @EventListener(ContextClosedEvent.class)
  public void closeAll() {
    for (Follower follower : followers) {
      follower.stop();
      follower.sink.close();
    }
  }

  @Override
  public void destroy() {
    delivery.shutdownNow();
  }

  /** One client following one execution. */
  public final class Follower {

    private final String executionId;
    private final EventSink sink;
    private final String address;
    private volatile long lastEventNanos = System.nanoTime();
    // guarded by this
    private boolean released;
    private final Set<String> known = new HashSet<>();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    // offered before start: held until the resume point is known
    private final List<StoredEvent> early = new ArrayList<>();
    private boolean started;
    private boolean draining;
    private boolean stopped;

    private Follower(String executionId, EventSink sink, String address) {
      this.executionId = executionId;
      this.sink = sink;
      this.address = address;
    }

    /** Ends following; called when the client has gone or the stream timed out. */
    public void stop() {
      boolean release;
      synchronized (this) {
        stopped = true;
        queue.clear();
        release = !released;
        released = true;
      }
      followers.remove(this);
      if (release) {
        admission.release(address);
      }
    }

    private void send(StoredEvent event) throws IOException {
      sink.send(event);
      lastEventNanos = System.nanoTime();
    }

    private synchronized void start(List<StoredEvent> existing, long afterId) {
      ArrayDeque<Delivery> first = new ArrayDeque<>();
      // events offered while the existing ones were read come after them; neither may repeat
      // what the client saw up to its Last-Event-ID
      List<StoredEvent> all = new ArrayList<>(existing);
      all.addAll(early);
      early.clear();
      for (StoredEvent event : all) {
        if (known.add(event.eventId()) && event.id() > afterId) {
          first.add(sink -> send(event));
        }
      }
      first.addAll(queue);
      queue.clear();
      queue.addAll(first);
      started = true;
      drainLater();
    }

    private synchronized void offer(Collection<StoredEvent> events) {
      if (stopped) {
        return;
      }
      for (StoredEvent event : events) {
        if (!event.executionId().equals(executionId)) {
          continue;
        }
        if (!started) {
          early.add(event);
        } else if (known.add(event.eventId())) {
          queue.add(sink -> send(event));
        }
      }
      drainLater();
    }

    private synchronized List<String> unsent(Set<String> storedIds) {
      List<String> unsent = new ArrayList<>();
      for (String id : storedIds) {
        if (!known.contains(id)) {
          unsent.add(id);
        }
      }
      return unsent;
    }

    private synchronized void heartbeat() {
      if (queue.isEmpty()) {
        queue.add(EventSink::heartbeat);
        drainLater();
      }
    }

    private void drainLater() {
      if (started && !stopped && !draining && !queue.isEmpty()) {
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
        Delivery next;
        synchronized (this) {
          next = stopped ? null : queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        try {
          next.writeTo(sink);
        } catch (IOException | RuntimeException e) {
          stop();
          sink.failed(e);
          return;
        }
      }
    }
  }

  /** One write to a client. */
  @FunctionalInterface
  private interface Delivery {
    void writeTo(EventSink sink) throws IOException;
  }

  private static final class DeliveryThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "audit-stream-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
