package dev.redrive.coordinator.domain;

/** One exit criterion of an attempt and how it ended. */
public record CheckOutcome(String name, boolean passed, String outputExcerpt) {}
