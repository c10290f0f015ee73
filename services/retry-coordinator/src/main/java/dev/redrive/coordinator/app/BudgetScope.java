package dev.redrive.coordinator.app;

/** A retry budget's scope ({@code pipeline} or {@code source}) and its value. */
public record BudgetScope(String scope, String name) {}
