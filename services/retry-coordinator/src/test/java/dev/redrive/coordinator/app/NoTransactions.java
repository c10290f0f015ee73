package dev.redrive.coordinator.app;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions for in-memory fakes: the work runs, nothing is committed or rolled back (the fakes
 * keep what they were given).
 */
final class NoTransactions implements PlatformTransactionManager {

  static TransactionTemplate template() {
    return new TransactionTemplate(new NoTransactions());
  }

  @Override
  public TransactionStatus getTransaction(TransactionDefinition definition) {
    return new SimpleTransactionStatus();
  }

  @Override
  public void commit(TransactionStatus status) {}

  @Override
  public void rollback(TransactionStatus status) {}
}
