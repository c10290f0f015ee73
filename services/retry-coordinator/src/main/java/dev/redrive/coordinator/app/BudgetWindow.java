package dev.redrive.coordinator.app;

import java.util.Map;

/**
 * What the budgets of some scopes held when read: each one's automatic retries and attempts in the
 * window, and the version of those counts (0 for a scope no batch has locked yet).
 */
public record BudgetWindow(
    Map<BudgetScope, BudgetCounts> counts, Map<BudgetScope, Long> versions) {}
