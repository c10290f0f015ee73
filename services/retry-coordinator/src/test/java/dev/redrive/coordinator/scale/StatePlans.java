package dev.redrive.coordinator.scale;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plans of the statements a coordinator ran: each statement that {@code pg_stat_statements}
 * (loaded by the server, the extension created in the database) counted in the connection's
 * database, planned with {@code EXPLAIN (GENERIC_PLAN)} (PostgreSQL 16 or later) as any parameter
 * values would make it, and checked for a sequential scan of a table of {@link StateFill#TABLES}.
 * Shared by {@code StatePlansIT} and the benchmark's scale scenario. The connection must come from
 * {@link #connect}: a generic plan has parameters without values, which only the simple query
 * protocol lets through.
 */
public final class StatePlans {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern EXTRACT_FIELD =
      Pattern.compile("extract\\(\\$\\d+ FROM", Pattern.CASE_INSENSITIVE);
  private static final Pattern TYPED_LITERAL =
      Pattern.compile("\\b(interval|timestamptz|timestamp|date|jsonb|json|text)\\s+\\$(\\d+)");

  private StatePlans() {}

  /** A connection to the coordinator's database for these checks: simple protocol, its schema. */
  public static Connection connect(String url, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("preferQueryMode", "simple");
    Connection connection = DriverManager.getConnection(url, properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET search_path = coordinator");
    }
    return connection;
  }

  /**
   * The reads and writes counted in this database (as pg_stat_statements normalized them, with $1,
   * $2 ...), but those that name {@code pg_stat_statements} or contain {@code exclude}.
   */
  public static List<String> statements(Connection connection, String exclude) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (var query =
        connection.prepareStatement(
            """
            SELECT regexp_replace(s.query, '\\s+', ' ', 'g')
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database()
              AND s.query ~* '^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\M'
              AND s.query !~ 'pg_stat_statements' AND strpos(s.query, ?) = 0
            ORDER BY s.total_exec_time DESC""")) {
      query.setString(1, exclude);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          statements.add(rs.getString(1).strip());
        }
      }
    }
    return statements;
  }

  /** Each sequential scan of a state table in the generic plans of these statements, in words. */
  public static List<String> seqScans(Connection connection, List<String> statements)
      throws SQLException {
    List<String> scans = new ArrayList<>();
    for (String statement : statements) {
      collect(plan(connection, statement), statement, scans);
    }
    return scans;
  }

  private static JsonNode plan(Connection connection, String statement) throws SQLException {
    // pg_stat_statements made a typed literal (interval '1 day') "interval $3" and a field of
    // extract "extract($4 FROM ...)", which do not parse: a cast means the same, and any field
    // plans alike
    String explainable =
        EXTRACT_FIELD
            .matcher(TYPED_LITERAL.matcher(statement).replaceAll("\\$$2::$1"))
            .replaceAll("extract(epoch FROM");
    try (Statement explain = connection.createStatement();
        ResultSet rs = explain.executeQuery("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + explainable)) {
      rs.next();
      return JSON.readTree(rs.getString(1));
    } catch (SQLException e) {
      throw new SQLException("could not plan: " + explainable + ": " + e.getMessage(), e);
    }
  }

  private static void collect(JsonNode node, String statement, List<String> scans) {
    if (node.isObject()
        && "Seq Scan".equals(node.path("Node Type").asString())
        && StateFill.TABLES.contains(node.path("Relation Name").asString())) {
      scans.add("Seq Scan on " + node.path("Relation Name").asString() + " in: " + statement);
    }
    node.forEach(child -> collect(child, statement, scans));
  }
}
