package dev.redrive.runner.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The attempts running on this runner instance, each with the {@link PhaseControl} that stops it;
 * their number is the gauge {@code redrive.runner.phases.running}.
 */
@Component
public class RunningAttempts {

  private static final Logger log = LoggerFactory.getLogger(RunningAttempts.class);

  private final Map<String, PhaseControl> running = new ConcurrentHashMap<>();

  public RunningAttempts(MeterRegistry meters) {
    meters.gauge("redrive.runner.phases.running", running, Map::size);
  }

  /** Registers an attempt that starts running here; returns what stops it. */
  PhaseControl started(String attemptId) {
    PhaseControl control = new PhaseControl();
    running.put(attemptId, control);
    return control;
  }

  /** Forgets an attempt that ended. */
  void ended(String attemptId) {
    running.remove(attemptId);
  }

  /** Stops the attempt if it runs on this instance (its process group is killed). */
  void stop(String attemptId) {
    PhaseControl control = running.get(attemptId);
    if (control != null) {
      log.info("stopping attempt {}", attemptId);
      control.stop();
    }
  }

  Set<String> ids() {
    return Set.copyOf(running.keySet());
  }
}
