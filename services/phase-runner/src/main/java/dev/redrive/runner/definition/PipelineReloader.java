package dev.redrive.runner.definition;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pipeline files again every {@code interval} ({@link PipelineCatalog#reload()}), so that
 * a new or changed file is picked up without a restart. An interval of zero reads nothing.
 */
public final class PipelineReloader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PipelineReloader.class);

  private final ScheduledExecutorService scheduler;

  public PipelineReloader(PipelineCatalog catalog, Duration interval) {
    if (interval.isZero()) {
      scheduler = null;
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "pipeline-reload");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            catalog.reload();
          } catch (RuntimeException e) {
            // the next round tries again; a dead schedule would never pick anything up
            log.warn("reading the pipelines at {} failed: {}", catalog.location(), e.toString());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info(
        "reading the pipeline files at {} every {} ms", catalog.location(), interval.toMillis());
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
