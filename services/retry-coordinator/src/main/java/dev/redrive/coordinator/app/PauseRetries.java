package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.PauseScope;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A person pauses retries, of one execution, a pipeline, a phase of a pipeline, or all of them, and
 * ends the pause later. While paused, the retries the coordinator decides are still decided,
 * counted and audited, but their commands wait, keeping their order and due time; so do the retries
 * and resumes people ask for. At the end of the pause they are sent in order, optionally spread
 * out. Each pause and its end is a decision event (the audit trail keeps who and why).
 */
@Service
public class PauseRetries {

  private static final Logger log = LoggerFactory.getLogger(PauseRetries.class);

  private final RetryHolds holds;
  private final CoordinatorEvents events;
  private final MeterRegistry meters;

  public PauseRetries(RetryHolds holds, CoordinatorEvents events, MeterRegistry meters) {
    this.holds = holds;
    this.events = events;
    this.meters = meters;
  }

  /**
   * @param started false when the scope was paused already; {@code pause} is the pause in force
   */
  public record Paused(boolean started, RetryHolds.Pause pause) {}

  /** Pauses the scope's retries; pausing a paused scope changes nothing and says so. */
  @Transactional
  public Paused pause(PauseScope scope, String reason, String requestedBy) {
    boolean started = holds.pause(scope, reason, requestedBy);
    if (started) {
      events.retriesPaused(scope, reason, requestedBy);
      meters.counter("redrive.retry.pauses", "action", "pause").increment();
      log.info(
          "{} paused by {}: {}",
          LogText.escape(scope.describe()),
          LogText.escape(String.valueOf(requestedBy)),
          LogText.escape(reason));
    }
    RetryHolds.Pause pause =
        holds.pauses().stream()
            .filter(p -> p.scope().equals(scope))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the pause of " + scope + " is gone"));
    return new Paused(started, pause);
  }

  /**
   * Ends the pause of the scope and sends what it held, in order, {@code stagger} apart.
   *
   * @return the commands released, or empty when the scope was not paused
   */
  @Transactional
  public Optional<Long> unpause(
      PauseScope scope, Duration stagger, String requestedBy, String note) {
    Optional<Long> released = holds.unpause(scope, stagger);
    released.ifPresent(
        commands -> {
          events.retriesUnpaused(scope, commands, stagger, requestedBy, note);
          meters.counter("redrive.retry.pauses", "action", "unpause").increment();
          meters.counter("redrive.retries.unpaused").increment(commands);
          log.info(
              "{} unpaused by {}: {} held commands released, {} apart",
              LogText.escape(scope.describe()),
              LogText.escape(String.valueOf(requestedBy)),
              commands,
              stagger);
        });
    return released;
  }

  /** Every pause in force, oldest first. */
  public List<RetryHolds.Pause> pauses() {
    return holds.pauses();
  }

  /** The pauses that hold the retries of this execution at this phase. */
  public List<RetryHolds.Pause> pausesCovering(String pipeline, String phase, String executionId) {
    return holds.pauses().stream()
        .filter(p -> p.scope().covers(pipeline, phase, executionId))
        .toList();
  }
}
