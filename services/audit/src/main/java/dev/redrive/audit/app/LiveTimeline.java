package dev.redrive.audit.app;

import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * never holds up the Kafka consumer or another client ({@link LiveStreams} does this, the limits,
 * the heartbeats and the closing for both kinds of live stream).
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
  private final LiveStreams<EventSink, Follower> streams;

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
    Gauge.builder("redrive.audit.stream.clients", admission, StreamAdmission::open)
        .description("Live streams open: an execution's events, or the index")
        .register(meters);
    this.streams = new LiveStreams<>("audit-stream", admission, limits.idleTimeout(), meters);
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
    return streams.open(
        clientAddress,
        () -> new Follower(executionId, sink, clientAddress),
        follower -> {
          long after =
              lastEventId == null
                  ? 0
                  : trail
                      .find(lastEventId)
                      .filter(last -> last.executionId().equals(executionId))
                      .map(StoredEvent::id)
                      .orElse(0L);
          follower.start(trail.timeline(executionId, limits.maxTimelineEvents()), after);
        });
  }

  /** Hands events this instance just committed to the clients that follow their executions. */
  public void publish(List<StoredEvent> committed) {
    if (committed.isEmpty() || streams.isEmpty()) {
      return;
    }
    Map<String, List<StoredEvent>> byExecution =
        committed.stream().collect(Collectors.groupingBy(StoredEvent::executionId));
    for (Follower follower : streams.all()) {
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
    if (streams.isEmpty()) {
      return;
    }
    Set<String> executions =
        streams.all().stream().map(f -> f.executionId).collect(Collectors.toSet());
    Map<String, Set<String>> stored = trail.eventIdsOf(executions);
    Set<String> missing = new HashSet<>();
    int room = limits.maxTimelineEvents();
    for (Follower follower : streams.all()) {
      List<String> unsent = follower.unsent(stored.getOrDefault(follower.executionId, Set.of()));
      for (int i = 0; i < unsent.size() && missing.size() < room; i++) {
        missing.add(unsent.get(i));
      }
    }
    if (!missing.isEmpty()) {
      publish(trail.findAll(missing));
    }
    streams.heartbeatOrCloseIdle(
        follower ->
            log.info(
                "event stream of execution {} closed: no event for {}",
                LogText.escape(follower.executionId),
                limits.idleTimeout()));
  }

  /**
   * Ends every stream when the service stops, before the web server waits for open requests: an
   * open stream never ends on its own. Clients reconnect (to another instance) with {@code
   * Last-Event-ID}.
   */
  @EventListener(ContextClosedEvent.class)
  public void closeAll() {
    streams.closeAll();
  }

  @Override
  public void destroy() {
    streams.shutdown();
  }

  /** One client following one execution. */
  public final class Follower extends LiveStreams.Stream<EventSink> {

    private final String executionId;
    // guarded by this
    private final Set<String> known = new HashSet<>();
    private final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
    // offered before start: held until the resume point is known
    private final List<StoredEvent> early = new ArrayList<>();
    private boolean started;

    private Follower(String executionId, EventSink sink, String address) {
      super(LiveTimeline.this.streams, sink, address);
      this.executionId = executionId;
    }

    private synchronized void start(List<StoredEvent> existing, long afterId) {
      // events offered while the existing ones were read come after them; neither may repeat
      // what the client saw up to its Last-Event-ID (nothing is queued before the start)
      List<StoredEvent> all = new ArrayList<>(existing);
      all.addAll(early);
      early.clear();
      for (StoredEvent event : all) {
        if (known.add(event.eventId()) && event.id() > afterId) {
          queue.add(event);
        }
      }
      started = true;
      drainLater();
    }

    private synchronized void offer(Collection<StoredEvent> events) {
      if (stopped()) {
        return;
      }
      for (StoredEvent event : events) {
        if (!event.executionId().equals(executionId)) {
          continue;
        }
        if (!started) {
          early.add(event);
        } else if (known.add(event.eventId())) {
          queue.add(event);
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

    @Override
    LiveStreams.Write<EventSink> next() {
      StoredEvent event = queue.poll();
      return event == null ? null : sink -> sink.send(event);
    }

    @Override
    boolean pending() {
      return !queue.isEmpty();
    }

    @Override
    void dropPending() {
      queue.clear();
    }

    @Override
    boolean ready() {
      return started;
    }
  }
}
