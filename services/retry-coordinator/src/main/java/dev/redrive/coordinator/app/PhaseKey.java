package dev.redrive.coordinator.app;

/** An execution's phase: the key of counters, histories and notes. */
public record PhaseKey(String executionId, String phase) {}
