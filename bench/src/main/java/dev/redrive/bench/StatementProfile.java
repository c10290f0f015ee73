package dev.redrive.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where PostgreSQL spent its time, statement by statement ({@code pg_stat_statements}, which the
 * benchmark's server preloads): the database side of the coordinator's profile.
 */
final class StatementProfile {

  /** The server settings that make the statistics available. */
  static final java.util.Map<String, String> SERVER_SETTINGS =
      java.util.Map.of(
          "shared_preload_libraries", "pg_stat_statements",
          "pg_stat_statements.track", "top",
          "pg_stat_statements.max", "1000",
          "pg_stat_statements.track_planning", "on");

  private StatementProfile() {}

  /** Forgets what was counted so far, for the database of {@code connection}. */
  static void reset(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      statement.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /**
   * The {@code top} statements of this database by total time (planning and execution), one line
   * each, with the time per call: with small batches a statement's planning can cost as much as its
   * execution.
   */
  static List<String> top(Connection connection, int top, long failures) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                """
                SELECT calls, total_exec_time + total_plan_time AS total_time, total_plan_time,
                  rows, wal_bytes, sum(wal_bytes) OVER () AS all_wal_bytes,
                  100 * (total_exec_time + total_plan_time)
                    / sum(total_exec_time + total_plan_time) OVER () AS share,
                  sum(total_exec_time + total_plan_time) OVER () AS all_time,
                  sum(total_plan_time) OVER () AS all_plan_time,
                  regexp_replace(query, '\\s+', ' ', 'g') AS query
                FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = current_database()
                ORDER BY total_exec_time + total_plan_time DESC LIMIT %d"""
                    .formatted(top))) {
      boolean first = true;
      while (rs.next()) {
        if (first) {
          lines.add(
              String.format(
                  "    PostgreSQL planned and executed statements for %,.0f ms in all = %.0f us per"
                      + " failure (planning %.0f us of it), writing %,.0f bytes of WAL per failure",
                  rs.getDouble("all_time"),
                  rs.getDouble("all_time") * 1000 / failures,
                  rs.getDouble("all_plan_time") * 1000 / failures,
                  rs.getDouble("all_wal_bytes") / failures));
          first = false;
        }
        String query = rs.getString("query");
        lines.add(
            String.format(
                "    %5.1f%%  %7.1f us/failure (plan %5.1f) %,6.0f B WAL  %,8d calls %7.0f us/call"
                    + " %,10d rows  %s",
                rs.getDouble("share"),
                rs.getDouble("total_time") * 1000 / failures,
                rs.getDouble("total_plan_time") * 1000 / failures,
                rs.getDouble("wal_bytes") / failures,
                rs.getLong("calls"),
                rs.getDouble("total_time") * 1000 / Math.max(1, rs.getLong("calls")),
                rs.getLong("rows"),
                query.length() > 110 ? query.substring(0, 110) + "..." : query));
      }
    }
    return lines;
  }
}
