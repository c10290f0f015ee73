package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.FingerprintHistory;
import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.FailureType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The history per fingerprint, from the attempt table: a window of failures read through the index
 * {@code attempt_fingerprint_by_time} (V9), each with the outcome of the next attempt of its phase
 * (one probe of {@code attempt_by_execution}).
 */
@Repository
public class JdbcFingerprintHistory implements FingerprintHistory {

  private static final TypeReference<List<CheckOutcome>> CHECKS_TYPE = new TypeReference<>() {};

  /** The next attempt of the failure's phase: what followed it. */
  private static final String NEXT_OUTCOME =
      """
      (SELECT b.outcome FROM attempt b
        WHERE b.execution_id = a.execution_id AND b.phase = a.phase
          AND b.attempt_number > a.attempt_number
        ORDER BY b.attempt_number LIMIT 1)""";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcFingerprintHistory(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public List<Group> groups(Query query, int offset, int limit) {
    List<Object> params = new ArrayList<>();
    String where = where(query, params);
    params.add(limit);
    params.add(offset);
    return jdbc.sql(
            """
            WITH f AS (
              SELECT a.attempt_id, a.fingerprint, a.pipeline, a.phase, a.source,
                a.execution_id, a.occurred_at, %s AS next_outcome
              FROM attempt a
              WHERE %s),
            g AS (
              SELECT fingerprint, pipeline, phase, min(source) AS source,
                count(*) AS failures, count(DISTINCT execution_id) AS executions,
                min(occurred_at) AS first_seen, max(occurred_at) AS last_seen,
                count(*) FILTER (WHERE next_outcome IN ('SUCCEEDED', 'FAILED')) AS retries,
                count(*) FILTER (WHERE next_outcome = 'SUCCEEDED') AS succeeded,
                min(attempt_id) AS example
              FROM f GROUP BY fingerprint, pipeline, phase
              ORDER BY failures DESC, last_seen DESC, fingerprint, pipeline, phase
              LIMIT ? OFFSET ?)
            SELECT g.*, x.failure_type, x.error_type, x.error_message, x.checks
            FROM g JOIN attempt x ON x.attempt_id = g.example
            ORDER BY g.failures DESC, g.last_seen DESC, g.fingerprint, g.pipeline, g.phase"""
                .formatted(NEXT_OUTCOME, where))
        .params(params)
        .query(this::group)
        .list();
  }

  @Override
  public List<Occurrence> latest(Query query, int limit) {
    List<Object> params = new ArrayList<>();
    String where = where(query, params);
    params.add(limit);
    return jdbc.sql(
            """
            SELECT a.execution_id, a.pipeline, a.phase, a.attempt_number, a.occurred_at,
              a.error_message, a.inputs_digest, a.artifacts_digest, %s AS next_outcome
            FROM attempt a
            WHERE %s
            ORDER BY a.occurred_at DESC, a.attempt_id
            LIMIT ?"""
                .formatted(NEXT_OUTCOME, where))
        .params(params)
        .query(
            (rs, n) ->
                new Occurrence(
                    rs.getString("execution_id"),
                    rs.getString("pipeline"),
                    rs.getString("phase"),
                    rs.getInt("attempt_number"),
                    rs.getTimestamp("occurred_at").toInstant(),
                    rs.getString("error_message"),
                    rs.getString("inputs_digest"),
                    rs.getString("artifacts_digest"),
                    rs.getString("next_outcome")))
        .list();
  }

  /** The window's range of the index, then the filters a query names. */
  private static String where(Query query, List<Object> params) {
    StringBuilder where = new StringBuilder("a.fingerprint IS NOT NULL AND a.occurred_at >= ?");
    params.add(Timestamp.from(query.since()));
    if (query.fingerprint() != null) {
      where.append(" AND a.fingerprint = ?");
      params.add(query.fingerprint());
    }
    if (query.pipeline() != null) {
      where.append(" AND a.pipeline = ?");
      params.add(query.pipeline());
    }
    if (query.phase() != null) {
      where.append(" AND a.phase = ?");
      params.add(query.phase());
    }
    return where.toString();
  }

  private Group group(ResultSet rs, int n) throws SQLException {
    return new Group(
        rs.getString("fingerprint"),
        rs.getString("pipeline"),
        rs.getString("phase"),
        rs.getString("source"),
        rs.getLong("failures"),
        rs.getLong("executions"),
        instant(rs, "first_seen"),
        instant(rs, "last_seen"),
        rs.getLong("retries"),
        rs.getLong("succeeded"),
        FailureType.valueOf(rs.getString("failure_type")),
        rs.getString("error_type"),
        rs.getString("error_message"),
        json.readValue(rs.getString("checks"), CHECKS_TYPE));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getTimestamp(column).toInstant();
  }
}
