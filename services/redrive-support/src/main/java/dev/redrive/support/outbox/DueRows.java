package dev.redrive.support.outbox;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads what the relay may send now from its shard ({@link OutboxShards}): the messages of the next
 * batch of due rows, and when the next row falls due. Owns the queries and how holds ({@link
 * OutboxHolds}) shape them: while a scope is held, the rows it holds wait, and so does every later
 * row that shares a message key (an execution) with one of them. While nothing is held the plain
 * queries run, which the outbox's indexes answer alone.
 */
final class DueRows {

  /** Each message key of a held row, with the first held row's id (parameter: the held scopes). */
  private static final String HELD_KEYS =
      """
      WITH held_keys AS MATERIALIZED (
        SELECT k, min(h.id) AS first_held FROM outbox h, unnest(h.message_keys) k
        WHERE h.hold_scopes && ?::text[] GROUP BY k)
      """;

  /** Whether row {@code o} is held: by a scope of its own, or behind an earlier held row. */
  private static final String HELD =
      """
       EXISTS (SELECT 1 FROM held_keys hk
        WHERE hk.k = ANY(o.message_keys) AND hk.first_held <= o.id)
      """;

  /**
   * The messages of the next batch of due rows while nothing is held (parameters: the shard, the
   * batch size).
   */
  static final String DUE =
      "SELECT "
          + OutboxPayloads.COLUMNS
          + " FROM outbox WHERE due_at <= now() AND shard = ? ORDER BY id LIMIT ?";

  private final JdbcClient jdbc;
  private final int batchSize;
  private final int shard;

  /**
   * @param jdbc the relay session's connection
   * @param batchSize most rows one batch reads
   * @param shard the shard whose rows are read
   */
  DueRows(JdbcClient jdbc, int batchSize, int shard) {
    this.jdbc = jdbc;
    this.batchSize = batchSize;
    this.shard = shard;
  }

  /**
   * Sets how the relay session's connection plans the queries of the outbox, a queue table: every
   * published row is deleted, so between two vacuums the indexes hold an entry for each of them.
   *
   * <ul>
   *   <li>Each query is planned for its parameters: the connection lives as long as the session,
   *       and a plan cached while the outbox was small would make every later read scan the whole
   *       table.
   *   <li>No bitmap scans. With the deleted rows in its statistics the planner reads the due rows
   *       through a bitmap of both indexes and sorts them by id, which visits every deleted row on
   *       every read: 10.5 ms a read of about 80 rows in the benchmark's latency run, 130 us per
   *       failure. An ordered index scan (of {@code outbox_shard_id}, or of {@code outbox_due_at}
   *       when scheduled rows lead) marks each deleted row's entry dead once no transaction can see
   *       it, so later reads skip it: 2.2 ms a read, 32 us per failure, and the latency's p99 from
   *       572 to 201 ms.
   * </ul>
   */
  static void planQueriesOf(JdbcClient jdbc) {
    jdbc.sql("SET plan_cache_mode = force_custom_plan").update();
    jdbc.sql("SET enable_bitmapscan = off").update();
  }

  /**
   * The messages of up to one batch of due rows ({@code batchSize} rows) that are not held, in id
   * order and in their order within each row.
   */
  List<OutboxRow> nextBatch() {
    String[] holds = OutboxHolds.activeScopes(jdbc);
    if (holds.length == 0) {
      return messages(jdbc.sql(DUE).param(shard).param(batchSize));
    }
    return messages(
        jdbc.sql(
                HELD_KEYS
                    + "SELECT "
                    + OutboxPayloads.COLUMNS
                    + " FROM outbox o WHERE due_at <= now() AND shard = ? AND NOT"
                    + HELD
                    + " ORDER BY id LIMIT ?")
            .param(holds)
            .param(shard)
            .param(batchSize));
  }

  /** The messages of the rows the statement reads, in its order and theirs within each row. */
  private static List<OutboxRow> messages(JdbcClient.StatementSpec statement) {
    List<OutboxRow> messages = new ArrayList<>();
    statement.query((rs, n) -> OutboxPayloads.messagesOf(rs)).list().forEach(messages::addAll);
    return messages;
  }

  /**
   * The earliest due time of any row that is not held (index only while nothing is held), or null
   * when there is none.
   */
  Instant nextDue() {
    String[] holds = OutboxHolds.activeScopes(jdbc);
    if (holds.length == 0) {
      return jdbc.sql("SELECT min(due_at) FROM outbox WHERE shard = ?")
          .param(shard)
          .query((rs, n) -> instant(rs.getTimestamp(1)))
          .optional()
          .orElse(null);
    }
    return jdbc.sql(HELD_KEYS + "SELECT min(due_at) FROM outbox o WHERE shard = ? AND NOT" + HELD)
        .param(holds)
        .param(shard)
        .query((rs, n) -> instant(rs.getTimestamp(1)))
        .optional()
        .orElse(null);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
