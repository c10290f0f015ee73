package dev.redrive.support.outbox;

import dev.redrive.support.log.LogText;
import dev.redrive.support.retention.Retention;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the processed-event log to its retention: an id is needed only while its record can be
 * delivered again, so ids processed longer ago than {@code redrive.processed-events.retention} are
 * deleted, a batch per statement, every {@code purge-interval}. Without it the log grows by every
 * consumed event forever, and each insert into its primary key gets slower as the key outgrows the
 * database's buffers (measured at ten million executions: 12 to 204 us per event).
 */
public class ProcessedEventsPurge implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProcessedEventsPurge.class);

  private final ProcessedEvents processedEvents;
  private final Retention retention;
  private final Duration interval;
  private final int batchSize;
  private final Clock clock;
  private final Counter deleted;
  private final Counter failed;
  private ScheduledExecutorService scheduler;

  public ProcessedEventsPurge(
      ProcessedEvents processedEvents,
      Retention retention,
      Duration interval,
      int batchSize,
      Clock clock,
      MeterRegistry meters) {
    this.processedEvents = processedEvents;
    this.retention = retention;
    this.interval = interval;
    this.batchSize = batchSize;
    this.clock = clock;
    this.deleted =
        Counter.builder("redrive.processed.events.deleted")
            .description(
                "Ids of consumed events deleted because they were older than the retention")
            .register(meters);
    this.failed =
        Counter.builder("redrive.processed.events.purge.failures")
            .description("Purges of the processed-event log that failed (tried again later)")
            .register(meters);
  }

  /** Deletes every id processed before now minus the retention; returns how many. */
  public long purge() {
    Instant cutoff = retention.cutoff(clock.instant()).orElse(null);
    if (cutoff == null) {
      return 0;
    }
    long total = 0;
    int batch;
    do {
      batch = processedEvents.deleteProcessedBefore(cutoff, batchSize);
      deleted.increment(batch);
      total += batch;
    } while (batch == batchSize);
    if (total > 0) {
      log.info(
          "deleted {} ids of events processed before {} (redrive.processed-events.retention {})",
          total,
          cutoff,
          retention.keep());
    } else {
      log.debug("no id of an event processed before {} to delete", cutoff);
    }
    return total;
  }

  private void purgeAndCarryOn() {
    try {
      purge();
    } catch (RuntimeException e) {
      failed.increment();
      log.warn(
          "purge of the processed-event log failed, tried again in {}: {}",
          interval,
          LogText.escape(String.valueOf(e.getMessage())));
    }
  }

  @Override
  public synchronized void start() {
    if (retention.keepsForever()) {
      log.info("redrive.processed-events.retention is 0: the id of every consumed event is kept");
      return;
    }
    log.info(
        "ids of consumed events are kept {} (redrive.processed-events.retention), older ones"
            + " looked for every {}",
        retention.keep(),
        interval);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "processed-events-purge");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::purgeAndCarryOn, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
