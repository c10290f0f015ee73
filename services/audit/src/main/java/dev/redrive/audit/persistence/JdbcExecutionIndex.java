package dev.redrive.audit.persistence;

import dev.redrive.audit.app.ExecutionIndex;
import dev.redrive.audit.app.StoredEvent;
import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexQuery;
import dev.redrive.contract.ExecutionStatus;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit_execution table: one summary row per execution, upserted with each batch of events (a
 * multi-row INSERT for new executions, the others locked in id order and updated in one statement).
 */
@Repository
public class JdbcExecutionIndex implements ExecutionIndex {

  /** Executions per statement (16 parameters each; PostgreSQL allows 65535 per statement). */
  private static final int ROWS_PER_STATEMENT = 1000;

  private static final String COLUMNS =
      "execution_id, pipeline, status, status_at, phase, phase_at, last_failure_type, failure_at,"
          + " first_event_at, last_event_at, last_event_type, attempts, events,"
          + " original_execution_id, resubmissions, resubmission_count";

  private static final String VALUES =
      "(?, ?, ?, ?::timestamptz, ?, ?::timestamptz, ?, ?::timestamptz, ?::timestamptz,"
          + " ?::timestamptz, ?, ?::int, ?::int, ?, ?::text[], ?::int)";

  private final JdbcClient jdbc;

  public JdbcExecutionIndex(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Change> record(List<StoredEvent> stored) {
    // sorted by execution id, so concurrent batches lock rows in the same order
    Map<String, List<ExecutionSummary.Event>> byExecution = new TreeMap<>();
    for (StoredEvent event : stored) {
      byExecution
          .computeIfAbsent(event.executionId(), id -> new ArrayList<>())
          .add(event.event().forSummary());
    }
    List<Change> changes = new ArrayList<>();
    List<String> ids = new ArrayList<>(byExecution.keySet());
    for (int from = 0; from < ids.size(); from += ROWS_PER_STATEMENT) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ROWS_PER_STATEMENT));
      changes.addAll(record(chunk, byExecution));
    }
    return changes;
  }

  private List<Change> record(List<String> ids, Map<String, List<ExecutionSummary.Event>> events) {
    Map<String, ExecutionSummary> fresh = new HashMap<>();
    for (String id : ids) {
      fresh.put(id, ExecutionSummary.empty(id).applyAll(events.get(id)));
    }
    List<Change> changes = new ArrayList<>();
    Map<String, Long> inserted =
        write(
            "INSERT INTO audit_execution (" + COLUMNS + ") VALUES ",
            ids,
            fresh,
            " ON CONFLICT (execution_id) DO NOTHING RETURNING execution_id, change_seq");
    inserted.forEach((id, change) -> changes.add(new Change(change, fresh.get(id))));
    List<String> known = ids.stream().filter(id -> !inserted.containsKey(id)).toList();
    if (known.isEmpty()) {
      return changes;
    }
    Map<String, ExecutionSummary> updated = new HashMap<>();
    jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM audit_execution WHERE execution_id = ANY(?) ORDER BY execution_id"
                + " FOR UPDATE")
        .param(known.toArray(String[]::new))
        .query(JdbcExecutionIndex::summary)
        .list()
        .forEach(
            current ->
                updated.put(
                    current.executionId(), current.applyAll(events.get(current.executionId()))));
    String update =
        "UPDATE audit_execution AS a SET pipeline = v.pipeline, status = v.status,"
            + " status_at = v.status_at, phase = v.phase, phase_at = v.phase_at,"
            + " last_failure_type = v.last_failure_type, failure_at = v.failure_at,"
            + " first_event_at = v.first_event_at, last_event_at = v.last_event_at,"
            + " last_event_type = v.last_event_type, attempts = v.attempts, events = v.events,"
            + " original_execution_id = v.original_execution_id,"
            + " resubmissions = v.resubmissions, resubmission_count = v.resubmission_count,"
            + " change_seq = nextval('audit_execution_change'), changed_at = clock_timestamp()"
            + " FROM (VALUES ";
    List<String> present = known.stream().filter(updated::containsKey).toList();
    write(
            update,
            present,
            updated,
            ") AS v("
                + COLUMNS
                + ") WHERE a.execution_id = v.execution_id"
                + " RETURNING a.execution_id, a.change_seq")
        .forEach((id, change) -> changes.add(new Change(change, updated.get(id))));
    return changes;
  }

  private Map<String, Long> write(
      String head, List<String> ids, Map<String, ExecutionSummary> summaries, String tail) {
    Map<String, Long> changes = new HashMap<>();
    if (ids.isEmpty()) {
      return changes;
    }
    StringBuilder sql = new StringBuilder(head);
    List<Object> params = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      ExecutionSummary s = summaries.get(ids.get(i));
      sql.append(i == 0 ? "" : ", ").append(VALUES);
      params.addAll(
          Arrays.asList(
              s.executionId(),
              s.pipeline(),
              s.status().name(),
              utc(s.statusAt()),
              s.phase(),
              utc(s.phaseAt()),
              s.lastFailureType(),
              utc(s.failureAt()),
              utc(s.firstEventAt()),
              utc(s.lastEventAt()),
              s.lastEventType(),
              s.attempts(),
              s.events(),
              s.originalExecutionId(),
              s.resubmissions().toArray(String[]::new),
              s.resubmissionCount()));
    }
    sql.append(tail);
    jdbc.sql(sql.toString())
        .params(params)
        .query(
            (RowCallbackHandler)
                rs -> changes.put(rs.getString("execution_id"), rs.getLong("change_seq")));
    return changes;
  }

  @Override
  public List<ExecutionSummary> page(IndexQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_execution WHERE TRUE");
    Map<String, Object> params = new HashMap<>();
    if (query.pipeline() != null) {
      sql.append(" AND pipeline = :pipeline");
      params.put("pipeline", query.pipeline());
    }
    if (query.status() != null) {
      sql.append(" AND status = :status");
      params.put("status", query.status().name());
    }
    if (query.idContains() != null) {
      sql.append(" AND execution_id LIKE :id ESCAPE '\\'");
      params.put("id", "%" + query.idContains().replaceAll("([\\\\%_])", "\\\\$1") + "%");
    }
    if (query.after() != null) {
      sql.append(" AND (last_event_at, execution_id) < (:at, :after)");
      params.put("at", utc(query.after().lastEventAt()));
      params.put("after", query.after().executionId());
    }
    sql.append(" ORDER BY last_event_at DESC, execution_id DESC LIMIT :limit");
    params.put("limit", query.limit());
    return jdbc.sql(sql.toString()).params(params).query(JdbcExecutionIndex::summary).list();
  }

  @Override
  public List<Change> changedSince(Instant since, int max) {
    List<Change> newestFirst =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT "
                        + COLUMNS
                        + ", change_seq FROM audit_execution WHERE changed_at >= ?"
                        + " ORDER BY changed_at DESC LIMIT ?")
                .params(utc(since), max)
                .query((rs, row) -> new Change(rs.getLong("change_seq"), summary(rs, row)))
                .list());
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  @Override
  public Instant now() {
    return jdbc.sql("SELECT clock_timestamp()").query(Timestamp.class).single().toInstant();
  }

  @Override
  public int deleteEndedBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            DELETE FROM audit_execution WHERE execution_id IN (
              SELECT execution_id FROM audit_execution WHERE last_event_at < ?
              ORDER BY last_event_at LIMIT ? FOR UPDATE SKIP LOCKED)""")
        .params(utc(cutoff), limit)
        .update();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp at = rs.getTimestamp(column);
    return at == null ? null : at.toInstant();
  }

  private static ExecutionSummary summary(ResultSet rs, int row) throws SQLException {
    Array links = rs.getArray("resubmissions");
    return new ExecutionSummary(
        rs.getString("execution_id"),
        rs.getString("pipeline"),
        ExecutionStatus.valueOf(rs.getString("status")),
        instant(rs, "status_at"),
        rs.getString("phase"),
        instant(rs, "phase_at"),
        rs.getString("last_failure_type"),
        instant(rs, "failure_at"),
        instant(rs, "first_event_at"),
        instant(rs, "last_event_at"),
        rs.getString("last_event_type"),
        rs.getInt("attempts"),
        rs.getInt("events"),
        rs.getString("original_execution_id"),
        links == null ? List.of() : List.of((String[]) links.getArray()),
        rs.getInt("resubmission_count"));
  }
}
