package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves outbox rows to {@code outbox_parked}: a row that can never be sent, and each later row that
 * shares a message key (an execution id) with a parked row, held behind it so that a consumer never
 * sees an execution's later events without the parked one. Owns the set of parked message keys,
 * which spares the relay a query per batch while nothing of a batch's executions is parked; a
 * re-queue ({@link ParkedRows}) takes rows out of the table without telling it, so a key in the set
 * is only a reason to ask the table.
 */
final class RowParking {

  private final JdbcClient jdbc;
  private final Set<String> parkedKeys = new HashSet<>();

  /**
   * @param jdbc the relay session's connection
   */
  RowParking(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Reads the message keys of the rows parked so far (when a session starts). */
  void loadParkedKeys() {
    parkedKeys.clear();
    parkedKeys.addAll(
        jdbc.sql("SELECT DISTINCT unnest(message_keys) FROM outbox_parked")
            .query(String.class)
            .list());
  }

  /**
   * Parks the rows that share a message key with an earlier parked row (a consumer must not see an
   * execution's later events without the one parked before them), adding each to {@code parked};
   * answers the messages of the others.
   */
  List<OutboxRow> holdBehindParked(List<OutboxRow> messages, List<Parking> parked) {
    if (parkedKeys.isEmpty()) {
      return messages;
    }
    List<OutboxRow> sendable = new ArrayList<>(messages.size());
    for (List<OutboxRow> row : RelaySession.byRow(messages)) {
      if (row.stream().anyMatch(m -> parkedKeys.contains(m.key()))) {
        // the set only grows while the session lives (a re-queue takes rows out): ask the table
        Long behind = parkedBefore(row.get(0).id(), keys(row));
        if (behind != null) {
          parked.add(park(row, "held behind parked outbox row " + behind, behind, 0));
          continue;
        }
      }
      sendable.addAll(row);
    }
    return sendable;
  }

  /**
   * Moves the row (the messages of one outbox row) to {@code outbox_parked} with why, and remembers
   * its keys.
   *
   * @param heldBehind the parked row it waits behind, or null when it failed itself
   * @param attempts how often the relay tried to send it
   */
  Parking park(List<OutboxRow> row, String cause, Long heldBehind, int attempts) {
    long id = row.get(0).id();
    jdbc.sql(
            """
            WITH moved AS (DELETE FROM outbox WHERE id = ? RETURNING *)
            INSERT INTO outbox_parked (id, topics, message_keys, event_ids, event_types, payloads,
              packed_payloads, due_at, created_at, attempts, cause, held_behind)
            SELECT id, topics, message_keys, event_ids, event_types, payloads, packed_payloads,
              due_at, created_at, ?, ?, ?
            FROM moved""")
        .param(id)
        .param(attempts)
        .param(cause)
        .param(heldBehind)
        .update();
    parkedKeys.addAll(keys(row));
    return new Parking(
        id,
        row.stream().map(OutboxRow::eventType).toList(),
        keys(row),
        cause,
        heldBehind,
        attempts);
  }

  /** The id of the earliest parked row before {@code id} that shares one of {@code keys}. */
  private Long parkedBefore(long id, List<String> keys) {
    return jdbc.sql("SELECT min(id) FROM outbox_parked WHERE message_keys && ?::text[] AND id < ?")
        .param(keys.toArray(String[]::new))
        .param(id)
        .query(Long.class)
        .optional()
        .orElse(null);
  }

  private static List<String> keys(List<OutboxRow> row) {
    return row.stream().map(OutboxRow::key).distinct().toList();
  }

  /** A row moved to {@code outbox_parked}. */
  record Parking(
      long id,
      List<String> eventTypes,
      List<String> keys,
      String cause,
      Long heldBehind,
      int attempts) {}
}
