package dev.redrive.audit.app;

import dev.redrive.support.retention.Retention;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the events that are older than the retention, a batch per statement, so that a large
 * purge never holds long locks. Several instances may purge at once: they skip each other's rows.
 */
public class PurgeExpiredEvents {

  private static final Logger log = LoggerFactory.getLogger(PurgeExpiredEvents.class);

  private final AuditTrail trail;
  private final ExecutionIndex index;
  private final Retention retention;
  private final int batchSize;
  private final Clock clock;
  private final Counter deleted;

  public PurgeExpiredEvents(
      AuditTrail trail,
      ExecutionIndex index,
      Retention retention,
      int batchSize,
      Clock clock,
      MeterRegistry meters) {
    this.trail = trail;
    this.index = index;
    this.retention = retention;
    this.batchSize = batchSize;
    this.clock = clock;
    this.deleted =
        Counter.builder("redrive.audit.retention.deleted")
            .description("Events deleted because they were older than the retention")
            .register(meters);
  }

  /** Deletes every event older than the retention; returns how many. */
  public long purge() {
    Instant now = clock.instant();
    Instant cutoff = retention.cutoff(now).orElse(null);
    if (cutoff == null) {
      return 0;
    }
    long total = 0;
    int batch;
    do {
      batch = trail.deleteOccurredBefore(cutoff, batchSize);
      deleted.increment(batch);
      total += batch;
    } while (batch == batchSize);
    // an execution whose last event is past the retention has no event left: off the index too
    long executions = 0;
    do {
      batch = index.deleteEndedBefore(cutoff, batchSize);
      executions += batch;
    } while (batch == batchSize);
    if (total > 0) {
      log.info(
          "deleted {} events that occurred before {} (retention {}), and {} executions from the"
              + " index",
          total,
          cutoff,
          retention.keep(),
          executions);
    }
    return total;
  }
}
