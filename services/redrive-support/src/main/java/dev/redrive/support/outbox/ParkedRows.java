package dev.redrive.support.outbox;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox rows that the relay parked ({@code outbox_parked}): the ones it could never send, and
 * the later rows of the same executions held behind them. They can be listed and put back into the
 * outbox.
 */
public class ParkedRows {

  /** Most rows one listing answers. */
  public static final int MAX_LIMIT = 1000;

  private final JdbcClient jdbc;
  private final Runnable onRequeue;

  /**
   * @param onRequeue called after rows went back into the outbox (wakes the relay)
   */
  public ParkedRows(JdbcClient jdbc, Runnable onRequeue) {
    this.jdbc = jdbc;
    this.onRequeue = onRequeue;
  }

  /**
   * A parked row: the messages it holds (without their payloads), why and when it was parked.
   *
   * @param id the outbox id it had, and gets back when re-queued
   * @param heldBehind the parked row it waits behind, or null when it failed itself
   * @param attempts how often the relay tried to send it
   * @param payloadBytes the size of each message's payload (null for one that cannot be read)
   */
  public record ParkedRow(
      long id,
      List<String> topics,
      List<String> keys,
      List<String> eventIds,
      List<String> eventTypes,
      List<Integer> payloadBytes,
      Instant dueAt,
      Instant parkedAt,
      int attempts,
      String cause,
      Long heldBehind) {}

  /** The first {@code limit} parked rows, oldest first. */
  public List<ParkedRow> list(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    return jdbc.sql(
            """
            SELECT %s, parked_at, attempts, cause, held_behind
            FROM outbox_parked ORDER BY id LIMIT ?"""
                .formatted(OutboxPayloads.COLUMNS))
        .param(limit)
        .query(ParkedRows::row)
        .list();
  }

  /** How many rows are parked now. */
  public long count() {
    return jdbc.sql("SELECT count(*) FROM outbox_parked").query(Long.class).single();
  }

  /**
   * Puts the row back into the outbox with its id, so it is sent in its place, together with every
   * later parked row that shares a message key with it (the rows held behind it); answers the ids
   * re-queued, in order.
   *
   * @throws UnknownParkedRowException when no row with that id is parked
   */
  public List<Long> requeue(long id) {
    List<Long> ids =
        jdbc.sql(
                """
                WITH target AS (SELECT id, message_keys FROM outbox_parked WHERE id = ?),
                moved AS (
                  DELETE FROM outbox_parked p USING target t
                  WHERE p.id = t.id OR (p.id > t.id AND p.message_keys && t.message_keys)
                  RETURNING p.*)
                INSERT INTO outbox (id, topics, message_keys, event_ids, event_types, payloads,
                  packed_payloads, due_at, created_at, shard)
                SELECT id, topics, message_keys, event_ids, event_types, payloads, packed_payloads,
                  due_at, created_at,
                  outbox_shard(message_keys[1], (SELECT shards FROM outbox_relay))
                FROM moved ORDER BY id
                RETURNING id""")
            .param(id)
            .query(Long.class)
            .list();
    if (ids.isEmpty()) {
      throw new UnknownParkedRowException(id);
    }
    onRequeue.run();
    return ids.stream().sorted().toList();
  }

  /** No parked row has the id asked for. */
  public static class UnknownParkedRowException extends RuntimeException {
    UnknownParkedRowException(long id) {
      super("no outbox row " + id + " is parked; GET /api/v1/outbox/parked lists the parked rows");
    }
  }

  private static ParkedRow row(ResultSet rs, int n) throws SQLException {
    return new ParkedRow(
        rs.getLong("id"),
        strings(rs.getArray("topics")),
        strings(rs.getArray("message_keys")),
        strings(rs.getArray("event_ids")),
        strings(rs.getArray("event_types")),
        payloadBytes(OutboxPayloads.messagesOf(rs)),
        rs.getTimestamp("due_at").toInstant(),
        rs.getTimestamp("parked_at").toInstant(),
        rs.getInt("attempts"),
        rs.getString("cause"),
        rs.getObject("held_behind", Long.class));
  }

  /** The size of each payload; null for one that cannot be read from the row's packed payloads. */
  private static List<Integer> payloadBytes(List<RelaySession.OutboxRow> messages) {
    List<Integer> sizes = new ArrayList<>(messages.size());
    for (RelaySession.OutboxRow message : messages) {
      sizes.add(message.payload() == null ? null : message.payload().length);
    }
    return Collections.unmodifiableList(sizes);
  }

  private static List<String> strings(Array array) throws SQLException {
    return List.of((String[]) array.getArray());
  }
}
