package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.RetryHolds;
import dev.redrive.coordinator.domain.PauseScope;
import dev.redrive.support.outbox.OutboxHolds;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/**
 * Paused retries are outbox holds: every command the coordinator writes names the keys of the
 * scopes that cover it ({@link PauseScope#keysCovering}, and its execution's while that is paused),
 * and a pause holds its scope's key. Pausing an execution also moves its waiting commands out of
 * the rows they share with other executions' commands.
 */
@Repository
public class OutboxRetryHolds implements RetryHolds {

  private final OutboxHolds holds;

  public OutboxRetryHolds(OutboxHolds holds) {
    this.holds = holds;
  }

  @Override
  public boolean pause(PauseScope scope, String reason, String requestedBy) {
    boolean started = holds.hold(scope.key(), reason, requestedBy);
    if (started && scope.kind() == PauseScope.Kind.EXECUTION) {
      // its waiting commands may share rows with other executions' commands
      holds.isolate(scope.executionId(), scope.key());
    }
    return started;
  }

  @Override
  public Optional<Long> unpause(PauseScope scope, Duration stagger) {
    return holds.release(scope.key(), stagger);
  }

  @Override
  public List<Pause> pauses() {
    return holds.holds().stream()
        .map(
            hold ->
                new Pause(
                    PauseScope.ofKey(hold.scope()),
                    hold.reason(),
                    hold.requestedBy(),
                    hold.heldSince(),
                    hold.heldMessages()))
        .toList();
  }
}
