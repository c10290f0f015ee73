package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.app.BudgetCounts;
import dev.redrive.coordinator.app.BudgetScope;
import dev.redrive.coordinator.app.BudgetStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Another consumer's batch, played by a test: on a thread of its own it locks retry budgets, adds
 * its counts to them and holds the lock, uncommitted, until {@link #commit()}.
 */
final class BudgetHolder {

  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch mayCommit = new CountDownLatch(1);
  private final CompletableFuture<Void> transaction;

  private BudgetHolder(
      BudgetStore store,
      TransactionTemplate transactions,
      Map<BudgetScope, BudgetCounts> spent,
      Duration window) {
    transaction =
        CompletableFuture.runAsync(
            () ->
                transactions.executeWithoutResult(
                    status -> {
                      store.lockBudgets(spent.keySet());
                      store.countForBudget(spent, window);
                      holding.countDown();
                      await(mayCommit);
                    }));
  }

  /** Returns once the budgets are locked and the counts written (not committed). */
  static BudgetHolder hold(
      BudgetStore store,
      TransactionTemplate transactions,
      Map<BudgetScope, BudgetCounts> spent,
      Duration window)
      throws InterruptedException {
    BudgetHolder holder = new BudgetHolder(store, transactions, spent, window);
    assertThat(holder.holding.await(30, TimeUnit.SECONDS)).as("the budgets are locked").isTrue();
    return holder;
  }

  /** Commits the counts and releases the lock. */
  void commit() throws Exception {
    mayCommit.countDown();
    transaction.get(30, TimeUnit.SECONDS);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
