package dev.redrive.coordinator.domain;

/** How a back-off delay is randomised so that failures at the same moment do not retry together. */
public enum Jitter {
  /** A uniformly random delay between zero and the computed back-off ("full jitter"). */
  FULL,
  /** Exactly the computed back-off. */
  NONE
}
