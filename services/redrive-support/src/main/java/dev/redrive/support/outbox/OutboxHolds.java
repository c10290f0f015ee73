package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds on outbox rows: while a scope is held, the relay sends no row that names it ({@link
 * Outbox.Message#holdScopes()}) and no later row that shares a message key with such a row. Held
 * rows keep their place (id) and due time; a release sends them in that order, optionally spread
 * out. A hold is a row of {@code outbox_hold}, so it survives restarts and is seen by every
 * instance. What a scope means is up to the service that writes the rows (the retry-coordinator's
 * retry pauses).
 */
public class OutboxHolds {

  private final JdbcClient jdbc;
  private final Runnable onRelease;

  /**
   * @param onRelease run after the transaction of a release commits (wakes the relay)
   */
  public OutboxHolds(JdbcClient jdbc, Runnable onRelease) {
    this.jdbc = jdbc;
    this.onRelease = onRelease;
  }

  /**
   * A scope held now.
   *
   * @param heldMessages messages that wait because of this hold (some may wait for another too)
   */
  public record Hold(
      String scope, String reason, String requestedBy, Instant heldSince, long heldMessages) {}

  /**
   * Holds the scope; when it is held already the first hold stays as it was.
   *
   * @return whether this call began the hold
   */
  public boolean hold(String scope, String reason, String requestedBy) {
    return jdbc.sql(
                """
                INSERT INTO outbox_hold (scope, reason, requested_by) VALUES (?, ?, ?)
                ON CONFLICT (scope) DO NOTHING""")
            .param(scope)
            .param(reason)
            .param(requestedBy)
            .update()
        == 1;
  }

  /**
   * Ends the hold on the scope. The messages it held and no other hold still holds become sendable,
   * in their order; with a {@code stagger} above zero the n-th of their rows (from 0) is due no
   * earlier than now + n × stagger.
   *
   * @return the number of messages released, or empty when the scope was not held
   */
  public Optional<Long> release(String scope, Duration stagger) {
    // one statement: were the hold ended first and the due times moved after, the relay could send
    // the rows in between, unspread
    long[] result =
        jdbc.sql(
                """
                WITH ended AS (DELETE FROM outbox_hold WHERE scope = ? RETURNING scope),
                others AS (
                  SELECT coalesce(array_agg(scope), '{}') AS scopes FROM outbox_hold
                  WHERE scope <> ?),
                freed AS (
                  SELECT o.id, row_number() OVER (ORDER BY o.id) - 1 AS position
                  FROM outbox o, others
                  WHERE EXISTS (SELECT 1 FROM ended)
                    AND o.hold_scopes && ARRAY[?]::text[] AND NOT o.hold_scopes && others.scopes),
                moved AS (
                  UPDATE outbox o
                  SET due_at =
                    greatest(o.due_at, now() + freed.position * ? * interval '1 millisecond')
                  FROM freed WHERE o.id = freed.id
                  RETURNING cardinality(o.topics) AS messages)
                SELECT (SELECT count(*) FROM ended),
                  (SELECT coalesce(sum(messages), 0) FROM moved)""")
            .param(scope)
            .param(scope)
            .param(scope)
            .param(stagger.toMillis())
            .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
            .single();
    if (result[0] == 0) {
      return Optional.empty();
    }
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              onRelease.run();
            }
          });
    } else {
      onRelease.run();
    }
    return Optional.of(result[1]);
  }

  /** Which of these scopes are held now (one lookup by key). */
  public Set<String> held(Collection<String> scopes) {
    if (scopes.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(
        jdbc.sql("SELECT scope FROM outbox_hold WHERE scope = ANY(?)")
            .param(scopes.toArray(String[]::new))
            .query(String.class)
            .list());
  }

  /**
   * Makes {@code scope} hold the waiting messages of {@code key} that can be held (their rows name
   * hold scopes), and nothing else: a row of only that key gets the scope; the key's messages in a
   * row shared with other keys move to a row of their own with the scope, the others stay. Only
   * rows not yet due are split (a due row may be on its way to the broker right now, and splitting
   * it then could send its messages twice); their messages may still go out.
   *
   * @return the messages the scope holds now
   */
  public long isolate(String key, String scope) {
    List<HoldTarget> targets =
        jdbc.sql(
                """
                SELECT %s, message_keys <@ ARRAY[?]::text[] AS solo, due_at > now() AS waiting,
                  hold_scopes, shard
                FROM outbox
                WHERE hold_scopes IS NOT NULL AND ? = ANY(message_keys)
                  AND NOT hold_scopes @> ARRAY[?]::text[]
                ORDER BY id FOR UPDATE"""
                    .formatted(OutboxPayloads.COLUMNS))
            .param(key)
            .param(key)
            .param(scope)
            .query(
                (rs, n) ->
                    new HoldTarget(
                        OutboxPayloads.messagesOf(rs),
                        rs.getBoolean("solo"),
                        rs.getBoolean("waiting"),
                        (String[]) rs.getArray("hold_scopes").getArray(),
                        rs.getInt("shard"),
                        rs.getTimestamp("due_at")))
            .list();
    long held = 0;
    for (HoldTarget target : targets) {
      long id = target.messages().get(0).id();
      if (target.solo()) {
        jdbc.sql("UPDATE outbox SET hold_scopes = hold_scopes || ARRAY[?]::text[] WHERE id = ?")
            .param(scope)
            .param(id)
            .update();
        held += target.messages().size();
      } else if (target.waiting() && target.readable()) {
        List<OutboxRow> ofKey =
            target.messages().stream().filter(m -> m.key().equals(key)).toList();
        List<OutboxRow> others =
            target.messages().stream().filter(m -> !m.key().equals(key)).toList();
        String[] scopes = Arrays.copyOf(target.holdScopes(), target.holdScopes().length + 1);
        scopes[scopes.length - 1] = scope;
        jdbc.sql(
                """
                INSERT INTO outbox (topics, message_keys, event_ids, event_types, packed_payloads,
                  due_at, hold_scopes, shard)
                VALUES (?::text[], ?::text[], ?::text[], ?::text[], ?, ?, ?::text[], ?)""")
            .param(column(ofKey, OutboxRow::topic))
            .param(column(ofKey, OutboxRow::key))
            .param(column(ofKey, OutboxRow::eventId))
            .param(column(ofKey, OutboxRow::eventType))
            .param(OutboxPayloads.pack(ofKey.stream().map(OutboxRow::payload).toList()))
            .param(target.dueAt())
            .param(scopes)
            .param(target.shard())
            .update();
        jdbc.sql(
                """
                UPDATE outbox SET topics = ?::text[], message_keys = ?::text[], event_ids = ?::text[],
                  event_types = ?::text[],
                  packed_payloads = ?, payloads = NULL
                WHERE id = ?""")
            .param(column(others, OutboxRow::topic))
            .param(column(others, OutboxRow::key))
            .param(column(others, OutboxRow::eventId))
            .param(column(others, OutboxRow::eventType))
            .param(OutboxPayloads.pack(others.stream().map(OutboxRow::payload).toList()))
            .param(id)
            .update();
        held += ofKey.size();
      }
    }
    return held;
  }

  /**
   * A row that {@link #isolate} may change: its messages, whether they are all of the key, whether
   * it is not due yet.
   */
  private record HoldTarget(
      List<OutboxRow> messages,
      boolean solo,
      boolean waiting,
      String[] holdScopes,
      int shard,
      Timestamp dueAt) {

    /** Whether every payload could be read (a row whose could not is parked when due). */
    boolean readable() {
      return messages.stream().allMatch(m -> m.payload() != null);
    }
  }

  private static String[] column(List<OutboxRow> messages, Function<OutboxRow, String> field) {
    return messages.stream().map(field).toArray(String[]::new);
  }

  /** Every hold, oldest first, with the messages each holds now. */
  public List<Hold> holds() {
    return jdbc.sql(
            """
            SELECT h.scope, h.reason, h.requested_by, h.held_since,
              (SELECT coalesce(sum(cardinality(o.topics)), 0) FROM outbox o
                WHERE o.hold_scopes && ARRAY[h.scope]) AS held_messages
            FROM outbox_hold h ORDER BY h.held_since, h.scope""")
        .query(
            (rs, n) ->
                new Hold(
                    rs.getString("scope"),
                    rs.getString("reason"),
                    rs.getString("requested_by"),
                    rs.getTimestamp("held_since").toInstant(),
                    rs.getLong("held_messages")))
        .list();
  }

  /** The scopes held now (one small query; the relay asks before each batch). */
  static String[] activeScopes(JdbcClient jdbc) {
    return jdbc.sql("SELECT scope FROM outbox_hold")
        .query(String.class)
        .list()
        .toArray(String[]::new);
  }
}
