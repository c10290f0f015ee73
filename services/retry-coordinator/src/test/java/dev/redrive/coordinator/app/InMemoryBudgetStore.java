package dev.redrive.coordinator.app;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The retry budgets in memory, one window that never slides (a unit test runs within one): what was
 * counted, and a version per scope that each lock bumps.
 */
final class InMemoryBudgetStore implements BudgetStore {

  final Map<BudgetScope, BudgetCounts> counts = new HashMap<>();
  final Map<BudgetScope, Long> versions = new HashMap<>();

  @Override
  public Map<BudgetScope, Long> lockBudgets(Collection<BudgetScope> scopes) {
    Map<BudgetScope, Long> locked = new HashMap<>();
    scopes.forEach(scope -> locked.put(scope, versions.merge(scope, 1L, Long::sum)));
    return locked;
  }

  @Override
  public BudgetWindow budgetWindow(Collection<BudgetScope> scopes, Duration window) {
    Map<BudgetScope, BudgetCounts> read = new HashMap<>();
    Map<BudgetScope, Long> readVersions = new HashMap<>();
    for (BudgetScope scope : scopes) {
      read.put(scope, counts.getOrDefault(scope, new BudgetCounts(0, 0)));
      readVersions.put(scope, versions.getOrDefault(scope, 0L));
    }
    return new BudgetWindow(read, readVersions);
  }

  @Override
  public void countForBudget(Map<BudgetScope, BudgetCounts> added, Duration window) {
    added.forEach(
        (scope, more) ->
            counts.merge(
                scope,
                more,
                (a, b) ->
                    new BudgetCounts(a.retries() + b.retries(), a.attempts() + b.attempts())));
  }
}
