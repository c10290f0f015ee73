package dev.redrive.runner.app;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool queued attempts run on: {@link #submit} hands one over and returns at once (the
 * caller is a Kafka listener or a REST request), and whatever an attempt queues next (the next
 * phase, a loop target) is submitted when it ends. Also looks, every stop-poll interval, for
 * cancels of attempts running here that another runner instance received.
 */
public class AttemptWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AttemptWorker.class);

  private final RunAttempt runAttempt;
  private final RunningAttempts running;
  private final ExecutionStore store;
  private final ExecutorService workers;
  private final Duration shutdownGrace;
  private final ScheduledExecutorService stopPoller;

  public AttemptWorker(
      RunAttempt runAttempt,
      RunningAttempts running,
      ExecutionStore store,
      ExecutorService workers,
      WorkerSettings settings) {
    this.runAttempt = runAttempt;
    this.running = running;
    this.store = store;
    this.workers = workers;
    this.shutdownGrace = settings.shutdownGrace();
    this.stopPoller =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "phase-stop-poller");
              thread.setDaemon(true);
              return thread;
            });
    long poll = settings.stopPollInterval().toMillis();
    stopPoller.scheduleWithFixedDelay(this::stopCancelled, poll, poll, TimeUnit.MILLISECONDS);
  }

  /** Hands the attempt to the worker pool; a duplicate submission does nothing. */
  public void submit(String attemptId) {
    workers.execute(() -> runAttempt.run(attemptId).ifPresent(this::submit));
  }

  /** Stops the attempt if it runs on this instance (its process group is killed). */
  public void stop(String attemptId) {
    running.stop(attemptId);
  }

  /** Stops attempts running here whose cancel another runner instance received. */
  private void stopCancelled() {
    var ids = running.ids();
    if (ids.isEmpty()) {
      return;
    }
    store.cancelling(ids).forEach(this::stop);
  }

  /**
   * Lets running phases finish (up to the shutdown grace) before the runner stops; a phase still
   * running after it is interrupted and reported INTERRUPTED at the next start.
   */
  @Override
  public void close() {
    stopPoller.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("phases still running after {}; interrupting them", shutdownGrace);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
