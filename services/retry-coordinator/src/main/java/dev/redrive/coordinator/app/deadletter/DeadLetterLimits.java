package dev.redrive.coordinator.app.deadletter;

import java.time.Duration;

/**
 * The bounds of listing and replaying dead letters ({@code redrive.coordinator.dead-letters.*}).
 *
 * @param maxScanned records one listing or replay reads at most before it stops early
 * @param maxReplay dead letters one replay takes at most
 * @param maxRate the highest {@code ratePerSecond} a replay may ask for
 * @param defaultRate the rate of a replay that asks for none
 * @param maxReplayDuration how long one replay may take at its rate; a longer one is refused
 */
public record DeadLetterLimits(
    int maxScanned, int maxReplay, int maxRate, int defaultRate, Duration maxReplayDuration) {

  /** The most letters one listing page holds. */
  public static final int MAX_PAGE = 500;

  /** The letters of a listing page that asks for no limit. */
  public static final int DEFAULT_PAGE = 50;

  /** The most coordinates one replay may name. */
  public static final int MAX_COORDINATES = 100;
}
