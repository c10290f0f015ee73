package dev.redrive.support.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What waits in the outbox, for the relay's gauges ({@link OutboxRelay}): read in one statement,
 * through the primary key's index.
 *
 * <p>The outbox is a queue table: its file keeps every page it grew to during a backlog, and a
 * sequential scan reads them all, however few rows wait now (290 ms every five seconds in the
 * benchmark's latency run, holding back the cleanup of every deleted row meanwhile). The index scan
 * reads the pages of the rows that wait, and marks the entries of deleted rows dead on the way.
 */
final class OutboxBacklog {

  /**
   * Messages waiting (due or scheduled), seconds the oldest due row that no hold keeps has waited
   * (null when none), parked rows, and messages that a hold keeps.
   */
  static final String QUERY =
      """
      WITH holds AS (SELECT coalesce(array_agg(scope), '{}') AS scopes FROM outbox_hold)
      SELECT coalesce(sum(cardinality(topics)), 0),
        extract(epoch FROM now() - min(due_at)
          FILTER (WHERE due_at <= now()
            AND NOT coalesce(hold_scopes && (SELECT scopes FROM holds), false))),
        (SELECT count(*) FROM outbox_parked),
        coalesce(sum(cardinality(topics))
          FILTER (WHERE hold_scopes && (SELECT scopes FROM holds)), 0)
      FROM outbox WHERE id > 0""";

  private OutboxBacklog() {}

  /** The gauges' figures now. */
  record Figures(long messages, long oldestAgeMillis, long parkedRows, long heldMessages) {}

  static Figures read(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        planThroughTheIndex(statement);
        try (ResultSet rs = statement.executeQuery(QUERY)) {
          rs.next();
          return new Figures(
              rs.getLong(1),
              Math.max(0, Math.round(rs.getDouble(2) * 1000)),
              rs.getLong(3),
              rs.getLong(4));
        }
      } finally {
        // it only read: the settings end with the transaction
        connection.rollback();
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  /** Settings, local to the transaction, that leave the index scan as the only cheap plan. */
  static void planThroughTheIndex(Statement statement) throws SQLException {
    statement.execute("SET LOCAL enable_seqscan = off");
    statement.execute("SET LOCAL enable_bitmapscan = off");
  }
}
