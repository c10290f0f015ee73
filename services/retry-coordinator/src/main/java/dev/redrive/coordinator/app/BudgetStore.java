package dev.redrive.coordinator.app;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The retry budgets' counts, shared by every consumer of the coordinator: attempts and automatic
 * retries of each pipeline and source in time buckets, and a version per scope that tells a batch
 * whether others committed retries since it read them.
 */
public interface BudgetStore {

  /**
   * Locks the retry budget of each scope until the transaction ends, so that no other consumer
   * commits retries against it meanwhile, and bumps its version: counts read after this include
   * every batch that held the lock before. Scopes are locked in one fixed order, so that two
   * consumers doing this at once do not deadlock.
   *
   * @return the version of each scope's budget with this transaction's bump
   */
  Map<BudgetScope, Long> lockBudgets(Collection<BudgetScope> scopes);

  /**
   * Automatic retries and all attempts of each pipeline (or source) in the budget's window, and
   * their version, read together so that the two agree.
   */
  BudgetWindow budgetWindow(Collection<BudgetScope> scopes, Duration window);

  /**
   * Adds attempts and automatic retries to the retry budget of each scope, in the time bucket of
   * now, in a fixed order of scopes; buckets older than the window may be deleted on the way.
   */
  void countForBudget(Map<BudgetScope, BudgetCounts> added, Duration window);
}
