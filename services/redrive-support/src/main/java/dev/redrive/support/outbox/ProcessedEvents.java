package dev.redrive.support.outbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    return !firstDeliveries(List.of(eventId)).isEmpty();
  }

  /**
   * Records the event ids with one statement; returns those recorded for the first time (a
   * redelivered id, or an id given twice, is returned at most once).
   */
  public Set<String> firstDeliveries(List<String> eventIds) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "ProcessedEvents.firstDelivery must run in the transaction of the state change");
    }
    if (eventIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                INSERT INTO processed_event (event_id) SELECT unnest(?::text[])
                ON CONFLICT DO NOTHING RETURNING event_id""")
            .param(eventIds.toArray(String[]::new))
            .query(String.class)
            .list());
  }

  /**
   * Deletes at most {@code limit} ids processed before {@code cutoff} (found through the BRIN index
   * on {@code processed_at}); returns how many. Instances that purge at once wait for each other's
   * rows and then skip them.
   */
  public int deleteProcessedBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            DELETE FROM processed_event WHERE ctid = ANY (ARRAY(
              SELECT ctid FROM processed_event WHERE processed_at < ? LIMIT ?))""")
        .param(Timestamp.from(cutoff))
        .param(limit)
        .update();
  }
}
