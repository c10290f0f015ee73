package dev.redrive.coordinator.kafka.deadletter;

import dev.redrive.coordinator.app.deadletter.DeadLetters;
import dev.redrive.coordinator.config.CoordinatorProperties;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code redrive.dlt.letters{topic}}: records in each dead-letter topic (end offsets
 * minus beginning offsets, so records the retention deleted are not counted), read every {@code
 * redrive.coordinator.dead-letters.size-interval} on a thread of its own, so that a scrape never
 * waits for the broker. A broker that does not answer leaves the last values and a WARN line.
 */
@Component
class DeadLetterSizes implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterSizes.class);

  private final DeadLetters deadLetters;
  private final MeterRegistry meters;
  private final Duration interval;
  private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
  private ScheduledExecutorService executor;

  DeadLetterSizes(DeadLetters deadLetters, MeterRegistry meters, CoordinatorProperties properties) {
    this.deadLetters = deadLetters;
    this.meters = meters;
    this.interval = properties.deadLetters().sizeInterval();
    deadLetters.originalTopics().forEach(topic -> gauge(topic + ".DLT"));
  }

  private AtomicLong gauge(String topic) {
    return sizes.computeIfAbsent(
        topic,
        t -> {
          AtomicLong size = new AtomicLong();
          Gauge.builder("redrive.dlt.letters", size, AtomicLong::get)
              .description("Records in a dead-letter topic (end minus beginning offsets)")
              .tag("topic", t)
              .register(meters);
          return size;
        });
  }

  void refresh() {
    try {
      deadLetters.sizes().forEach((topic, size) -> gauge(topic).set(size));
    } catch (RuntimeException e) {
      log.warn(
          "could not read the sizes of the dead-letter topics: {}",
          LogText.escape(String.valueOf(e.getMessage())));
    }
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "dead-letter-sizes");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
