package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.PauseScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where paused retries wait: the commands a pause covers stay unsent, keeping their order and due
 * time, until the pause ends. Kept in the database, so a pause survives restarts and holds on every
 * instance.
 */
public interface RetryHolds {

  /**
   * A pause in force.
   *
   * @param heldCommands commands that wait because of it now (some may wait for another pause too)
   */
  record Pause(
      PauseScope scope, String reason, String requestedBy, Instant since, long heldCommands) {}

  /**
   * Pauses the scope.
   *
   * @return false when it was paused already (the first pause stays as it was)
   */
  boolean pause(PauseScope scope, String reason, String requestedBy);

  /**
   * Ends the pause of the scope: the commands no other pause holds are sent in their order, the
   * n-th (from 0) no earlier than now + n × stagger.
   *
   * @return the commands released, or empty when the scope was not paused
   */
  Optional<Long> unpause(PauseScope scope, Duration stagger);

  /** Every pause in force, oldest first. */
  List<Pause> pauses();
}
