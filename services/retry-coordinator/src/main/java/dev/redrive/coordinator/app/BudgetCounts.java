package dev.redrive.coordinator.app;

/** What the retry budget counted in its window (or what a batch adds to it). */
public record BudgetCounts(long retries, long attempts) {}
