package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.timestamp;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.AttemptView;
import dev.redrive.coordinator.app.ExecutionFilter;
import dev.redrive.coordinator.app.ExecutionQueries;
import dev.redrive.coordinator.app.ExecutionView;
import dev.redrive.coordinator.app.ListExecutions;
import dev.redrive.coordinator.app.SentRetries;
import dev.redrive.coordinator.domain.ExplainedDecision;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads of the coordinator's tables for the API, retry requests and the paused gauge. */
@Repository
public class JdbcExecutionQueries implements ExecutionQueries {

  private static final TypeReference<Map<String, String>> OUTPUTS_TYPE = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final SentRetries.Reader sent;

  public JdbcExecutionQueries(JdbcClient jdbc, JsonMapper json, SentRetries.Reader sent) {
    this.jdbc = jdbc;
    this.json = json;
    this.sent = sent;
  }

  @Override
  public Optional<ExecutionView> execution(String executionId) {
    return jdbc.sql("SELECT * FROM execution WHERE execution_id = ?")
        .param(executionId)
        .query(JdbcExecutionQueries::executionView)
        .optional();
  }

  @Override
  public List<ExecutionView> list(ExecutionFilter filter, ListExecutions.Cursor after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM execution WHERE TRUE");
    List<Object> params = new ArrayList<>();
    equal(sql, params, "pipeline", filter.pipeline());
    equal(sql, params, "status", filter.status() == null ? null : filter.status().name());
    equal(sql, params, "current_phase", filter.phase());
    equal(
        sql,
        params,
        "last_failure_type",
        filter.failureType() == null ? null : filter.failureType().name());
    if (filter.updatedFrom() != null) {
      sql.append(" AND updated_at >= ?");
      params.add(timestamp(filter.updatedFrom()));
    }
    if (filter.updatedTo() != null) {
      sql.append(" AND updated_at < ?");
      params.add(timestamp(filter.updatedTo()));
    }
    if (filter.text() != null) {
      String pattern = "%" + likeEscaped(filter.text()) + "%";
      sql.append(
          " AND (execution_id ILIKE ? ESCAPE '\\' OR pipeline ILIKE ? ESCAPE '\\'"
              + " OR last_error ILIKE ? ESCAPE '\\')");
      params.addAll(List.of(pattern, pattern, pattern));
    }
    if (after != null) {
      sql.append(" AND (updated_at, execution_id) < (?, ?)");
      params.add(timestamp(after.updatedAt()));
      params.add(after.executionId());
    }
    sql.append(" ORDER BY updated_at DESC, execution_id DESC LIMIT ?");
    params.add(limit);
    return jdbc.sql(sql.toString())
        .params(params)
        .query(JdbcExecutionQueries::executionView)
        .list();
  }

  private static void equal(StringBuilder sql, List<Object> params, String column, String value) {
    if (value != null) {
      sql.append(" AND ").append(column).append(" = ?");
      params.add(value);
    }
  }

  /** The text with LIKE's wildcards and escape character taken literally. */
  static String likeEscaped(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static ExecutionView executionView(ResultSet rs, int n) throws SQLException {
    return new ExecutionView(
        rs.getString("execution_id"),
        rs.getString("pipeline"),
        rs.getString("source"),
        ExecutionStatus.valueOf(rs.getString("status")),
        rs.getString("current_phase"),
        rs.getString("last_error"),
        rs.getString("resubmitted_from"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  @Override
  public List<String> phases(String executionId) {
    // phases are not written on the decision path: those nobody announced come from the attempts
    return jdbc.sql(
            """
            SELECT phase FROM (
              SELECT DISTINCT ON (phase) phase, announced, position, first_at FROM (
                SELECT phase, true AS announced, position, NULL::timestamptz AS first_at
                FROM execution_phase WHERE execution_id = ?
                UNION ALL
                SELECT phase, false, NULL, min(occurred_at) FROM attempt
                WHERE execution_id = ? GROUP BY phase) known
              ORDER BY phase, announced DESC) phases
            ORDER BY announced DESC, position, first_at, phase""")
        .param(executionId)
        .param(executionId)
        .query(String.class)
        .list();
  }

  @Override
  public List<AttemptView> attempts(String executionId) {
    return jdbc.sql(
            "SELECT * FROM attempt WHERE execution_id = ? ORDER BY occurred_at, attempt_number")
        .param(executionId)
        .query(JdbcExecutionQueries::attemptView)
        .list();
  }

  @Override
  public Optional<AttemptView> attempt(String attemptId) {
    return jdbc.sql("SELECT * FROM attempt WHERE attempt_id = ?")
        .param(attemptId)
        .query(JdbcExecutionQueries::attemptView)
        .optional();
  }

  @Override
  public Map<String, Integer> counters(String executionId) {
    return jdbc
        .sql("SELECT phase, failed_attempts FROM phase_failure_count WHERE execution_id = ?")
        .param(executionId)
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Override
  public Map<String, Map<String, String>> checkpoints(String executionId) {
    Map<String, Map<String, String>> checkpoints = new LinkedHashMap<>();
    jdbc.sql("SELECT phase, outputs::text FROM phase_checkpoint WHERE execution_id = ?")
        .param(executionId)
        .query(
            (rs, n) -> {
              checkpoints.put(rs.getString(1), json.readValue(rs.getString(2), OUTPUTS_TYPE));
              return null;
            })
        .list();
    return checkpoints;
  }

  @Override
  public Optional<String> contextJson(String commandId) {
    // read first, decode after: decoding may ask the schema registry, without a connection held
    return jdbc.sql(
            "SELECT sent_messages, context, packed_documents FROM retry_context"
                + " WHERE command_id = ?")
        .param(commandId)
        .query(
            (rs, n) ->
                new StoredRetry(
                    rs.getBytes("sent_messages"),
                    null,
                    RetryDocuments.context(
                        rs.getBytes("packed_documents"), rs.getString("context"))))
        .optional()
        .map(
            stored ->
                stored.sentMessages() != null
                    ? json.writeValueAsString(sent.context(stored.sentMessages()))
                    : stored.json());
  }

  /**
   * A retry_context row: its messages as sent (since V19), or the JSON written before; {@code
   * declared} is the phase's own policy kept beside the messages.
   */
  private record StoredRetry(byte[] sentMessages, String declared, String json) {}

  @Override
  public List<String> pausedMatching(
      String pipeline, String phase, String failureType, Instant from, Instant to, int limit) {
    return jdbc.sql(
            """
            SELECT execution_id FROM execution WHERE status = 'PAUSED'
              AND (CAST(? AS TEXT) IS NULL OR pipeline = ?)
              AND (CAST(? AS TEXT) IS NULL OR current_phase = ?)
              AND (CAST(? AS TEXT) IS NULL OR last_failure_type = ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at >= ?)
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at < ?)
            ORDER BY updated_at LIMIT ?""")
        .params(
            pipeline,
            pipeline,
            phase,
            phase,
            failureType,
            failureType,
            timestamp(from),
            timestamp(from),
            timestamp(to),
            timestamp(to),
            limit)
        .query(String.class)
        .list();
  }

  @Override
  public Optional<ExplainedDecision> lastDecision(String executionId) {
    // a pause's why is kept with the execution, a retry's with its context (which the execution
    // names): the later one is last
    return jdbc
        .sql(
            """
            SELECT x.last_decision AS d, NULL::bytea AS p, NULL::bytea AS m, NULL AS dp
            FROM execution x
            WHERE x.execution_id = ? AND x.last_decision IS NOT NULL
            UNION ALL
            SELECT r.decision, r.packed_documents, r.sent_messages, r.declared_policy
            FROM execution x
            JOIN retry_context r ON r.command_id = x.last_retry_command
            WHERE x.execution_id = ?
              AND (r.decision IS NOT NULL OR r.packed_documents IS NOT NULL
                OR r.sent_messages IS NOT NULL)""")
        .params(executionId, executionId)
        .query(
            (rs, n) ->
                new StoredRetry(
                    rs.getBytes("m"),
                    rs.getString("dp"),
                    RetryDocuments.decision(rs.getBytes("p"), rs.getString("d"))))
        .list()
        .stream()
        .map(this::decision)
        .filter(Objects::nonNull)
        .max(Comparator.comparing(ExplainedDecision::decidedAt));
  }

  /** A decision as a row keeps it; null when the row kept no why. */
  private ExplainedDecision decision(StoredRetry stored) {
    if (stored.sentMessages() != null) {
      return sent.decision(
          stored.sentMessages(),
          stored.declared() == null ? null : DeclaredPolicies.read(json, stored.declared()));
    }
    return stored.json() == null ? null : json.readValue(stored.json(), ExplainedDecision.class);
  }

  @Override
  public long countPaused() {
    return jdbc.sql("SELECT count(*) FROM execution WHERE status = 'PAUSED'")
        .query(Long.class)
        .single();
  }

  private static AttemptView attemptView(ResultSet rs, int n) throws SQLException {
    return new AttemptView(
        rs.getString("attempt_id"),
        rs.getString("execution_id"),
        rs.getString("phase"),
        rs.getInt("attempt_number"),
        rs.getString("outcome"),
        rs.getString("command_id"),
        rs.getString("failure_type"),
        rs.getString("error_message"),
        (Integer) rs.getObject("exit_code"),
        (Long) rs.getObject("duration_ms"),
        rs.getString("artifacts_location"),
        rs.getTimestamp("occurred_at").toInstant());
  }
}
