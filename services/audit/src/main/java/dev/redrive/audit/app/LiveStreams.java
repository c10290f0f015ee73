package dev.redrive.audit.app;

import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every kind of live stream shares, whatever it sends (an execution's events in {@link
 * LiveTimeline}, the index's rows in {@link LiveIndex}): the streams open, a place for each in the
 * shared {@link StreamAdmission} (one more is refused with {@link StreamRefusedException}), a pool
 * of its own that writes to each client from one thread at a time (so a slow client never holds up
 * the Kafka consumer or another client), heartbeats, closing the streams that sent nothing for the
 * idle timeout, and closing them all when the service stops.
 *
 * <p>What a stream still has to send, and in which order, is its owner's: a {@link Stream} subclass
 * keeps it and hands over one {@link Write} at a time.
 *
 * @param <S> where the streams write
 * @param <C> the owner's kind of stream
 */
final class LiveStreams<S extends StreamSink, C extends LiveStreams.Stream<S>> {

  private static final Logger log = LoggerFactory.getLogger(LiveStreams.class);

  private final StreamAdmission admission;
  private final MeterRegistry meters;
  private final Duration idleTimeout;
  private final Counter idleClosed;
  private final Set<C> open = ConcurrentHashMap.newKeySet();
  private final Collection<C> openView = Collections.unmodifiableSet(open);
  private final ExecutorService delivery;

  /**
   * @param threadName what the pool's threads are called (numbered from 1)
   * @param idleTimeout how long a stream may send nothing before it is closed
   */
  LiveStreams(
      String threadName, StreamAdmission admission, Duration idleTimeout, MeterRegistry meters) {
    this.admission = admission;
    this.meters = meters;
    this.idleTimeout = idleTimeout;
    this.idleClosed =
        Counter.builder("redrive.audit.stream.idle.closed")
            .description("Streams closed because they sent no event for the idle timeout")
            .register(meters);
    this.delivery = Executors.newCachedThreadPool(new DeliveryThreads(threadName));
  }

  /**
   * Opens a stream from {@code address}: takes its place, makes it, registers it, then has {@code
   * start} give it what it starts with. Registered before starting, so that what is committed in
   * between is not missed; stopped again when starting fails.
   *
   * @throws StreamRefusedException when this address, or the instance, has as many streams open as
   *     it may
   */
  C open(String address, Supplier<C> stream, Consumer<C> start) {
    StreamAdmission.Verdict verdict = admission.admit(address);
    if (verdict != StreamAdmission.Verdict.ADMITTED) {
      throw refusal(verdict, address);
    }
    C opened = stream.get();
    open.add(opened);
    boolean started = false;
    try {
      start.accept(opened);
      started = true;
    } finally {
      if (!started) {
        opened.stop();
      }
    }
    return opened;
  }

  /** Counts, logs and describes a refused stream (of a timeline or of the index). */
  private StreamRefusedException refusal(StreamAdmission.Verdict verdict, String address) {
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

  /** The streams open now (a live view). */
  Collection<C> all() {
    return openView;
  }

  boolean isEmpty() {
    return open.isEmpty();
  }

  /**
   * Closes each stream that sent nothing for the idle timeout (counted, then handed to {@code
   * closedIdle} to be logged), and has a heartbeat written to each of the others.
   */
  void heartbeatOrCloseIdle(Consumer<C> closedIdle) {
    long now = System.nanoTime();
    for (C each : open) {
      Stream<S> stream = each;
      if (now - stream.lastSentNanos > idleTimeout.toNanos()) {
        stream.stop();
        stream.sink.close();
        idleClosed.increment();
        closedIdle.accept(each);
      } else {
        stream.heartbeat();
      }
    }
  }

  /** Ends every stream (the service is stopping). */
  void closeAll() {
    for (Stream<S> stream : open) {
      stream.stop();
      stream.sink.close();
    }
  }

  /** Stops the pool that writes to the clients. */
  void shutdown() {
    delivery.shutdownNow();
  }

  /** One write to a client. */
  @FunctionalInterface
  interface Write<S> {
    void to(S sink) throws IOException;
  }

  /**
   * One client's stream. What it has still to send is the subclass's, guarded by the stream's lock
   * ({@code this}); the subclass calls {@link #drainLater()} after adding to it, holding the lock.
   */
  abstract static class Stream<S extends StreamSink> {

    private final LiveStreams<S, ?> owner;
    private final S sink;
    private final String address;
    private volatile long lastSentNanos = System.nanoTime();
    // guarded by this
    private boolean heartbeatDue;
    private boolean draining;
    private boolean stopped;
    private boolean released;

    Stream(LiveStreams<S, ?> owner, S sink, String address) {
      this.owner = owner;
      this.sink = sink;
      this.address = address;
    }

    /** Takes the next write off what waits, or answers null when nothing does; holds the lock. */
    abstract Write<S> next();

    /** Whether something waits to be written (a heartbeat is then not needed); holds the lock. */
    abstract boolean pending();

    /** Drops what waits, as the stream stops; holds the lock. */
    abstract void dropPending();

    /** Whether the stream may write yet; holds the lock. */
    boolean ready() {
      return true;
    }

    /** Where the client connects from. */
    final String address() {
      return address;
    }

    /** Whether the stream has stopped; holds the lock. */
    final boolean stopped() {
      return stopped;
    }

    /** Ends the stream; called when the client has gone or the stream timed out. */
    public final void stop() {
      boolean release;
      synchronized (this) {
        stopped = true;
        dropPending();
        release = !released;
        released = true;
      }
      owner.open.remove(this);
      if (release) {
        owner.admission.release(address);
      }
    }

    private synchronized void heartbeat() {
      if (!pending()) {
        heartbeatDue = true;
        drainLater();
      }
    }

    /** Has the pool write what waits, unless a thread does already; holds the lock. */
    final void drainLater() {
      if (ready() && !stopped && !draining && (heartbeatDue || pending())) {
        draining = true;
        try {
          owner.delivery.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
          draining = false;
        }
      }
    }

    private void drain() {
      while (true) {
        Write<S> next = null;
        synchronized (this) {
          if (!stopped) {
            next = next();
          }
          if (next == null) {
            if (stopped || !heartbeatDue) {
              draining = false;
              return;
            }
            heartbeatDue = false;
          }
        }
        try {
          if (next != null) {
            next.to(sink);
            lastSentNanos = System.nanoTime();
          } else {
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

  private static final class DeliveryThreads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    private DeliveryThreads(String name) {
      this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
