package dev.redrive.coordinator.app.whatif;

import java.time.Duration;

/**
 * The bounds of one what-if ({@code redrive.coordinator.what-if.*}).
 *
 * @param maxAttempts attempts (failed and succeeded) one what-if reads at most; a window with more
 *     is cut there, and the answer says so
 */
public record WhatIfLimits(int maxAttempts) {

  /** The longest window a what-if replays. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  /** The pipeline/phase rows an answer carries at most, those that change most first. */
  public static final int MAX_ROWS = 50;
}
