package dev.redrive.support.outbox;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The processed-event log that makes consumers idempotent: a handler calls {@link
 * #firstDelivery(String)} in the transaction of its state change and does nothing when it answers
 * false. The insert and the state change commit or roll back together, so a redelivered event
 * changes nothing.
 */
public class ProcessedEvents {

  private final JdbcClient jdbc;

  public ProcessedEvents(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the event id; true the first time, false for every redelivery. */
  public boolean firstDelivery(String eventId) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "ProcessedEvents.firstDelivery must run in the transaction of the state change");
    }
    return jdbc.sql("INSERT INTO processed_event (event_id) VALUES (?) ON CONFLICT DO NOTHING")
            .param(eventId)
            .update()
        == 1;
  }
}
