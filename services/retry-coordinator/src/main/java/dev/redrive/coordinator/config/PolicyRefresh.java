package dev.redrive.coordinator.config;

import dev.redrive.coordinator.app.policy.StoredPolicies;
import dev.redrive.support.log.LogText;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Checks every {@code redrive.coordinator.policies.refresh-interval} whether another instance
 * changed the policies, on a thread of its own. A database that does not answer leaves the policies
 * in force and a WARN line.
 */
class PolicyRefresh implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PolicyRefresh.class);

  private final StoredPolicies policies;
  private final Duration interval;
  private ScheduledExecutorService executor;

  PolicyRefresh(StoredPolicies policies, Duration interval) {
    this.policies = policies;
    this.interval = interval;
  }

  void refresh() {
    try {
      policies.refreshIfChanged();
    } catch (RuntimeException e) {
      log.warn(
          "could not check for changed retry policies; those in force stay: {}",
          LogText.escape(String.valueOf(e.getMessage())));
    }
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "policy-refresh");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
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
