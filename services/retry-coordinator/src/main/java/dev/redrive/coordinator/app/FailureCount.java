package dev.redrive.coordinator.app;

/**
 * A phase's counter after a failure was recorded.
 *
 * @param counted the failures counted against the phase's retry policy since its counter was last
 *     reset (the loop's failures are not counted)
 * @param first the failure is the first the phase ever had, counted or not: its history is the
 *     failure alone, and nothing needs to be read back
 */
public record FailureCount(int counted, boolean first) {}
