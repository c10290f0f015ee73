package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import java.util.Collection;
import java.util.Map;

/**
 * The dead letters that were replayed, by coordinates (PostgreSQL), so that a letter is not sent
 * twice by accident, whichever instance or person asks.
 */
public interface ReplayLog {

  /** How many times each of these was replayed; those never replayed are absent. */
  Map<DeadLetterCoordinates, Integer> replays(Collection<DeadLetterCoordinates> letters);

  /**
   * Claims the letter for this replay before it is sent: true when it was never replayed, or when
   * {@code force} (its count goes up); false when another replay has it. One statement, so two
   * replays running at once cannot both claim it.
   */
  boolean claim(DeadLetterCoordinates letter, String replayId, String requestedBy, boolean force);

  /** Takes back this replay's claim after its send failed. */
  void release(DeadLetterCoordinates letter, String replayId);
}
