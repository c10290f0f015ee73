package dev.redrive.audit.persistence;

import dev.redrive.audit.app.AuditTrail;
import dev.redrive.audit.app.AuditedEvent;
import dev.redrive.audit.app.StoredEvent;
import dev.redrive.audit.domain.EventFilter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit_event table: insert each event once by event id, read timelines, search, purge. */
@Repository
public class JdbcAuditTrail implements AuditTrail {

  /** Rows per INSERT statement (11 parameters each; PostgreSQL allows 65535 per statement). */
  private static final int ROWS_PER_INSERT = 1000;

  private static final String COLUMNS =
      "id, event_id, execution_id, event_type, topic, kafka_partition, kafka_offset, source,"
          + " pipeline, failure_type, occurred_at, payload";

  private final JdbcClient jdbc;

  public JdbcAuditTrail(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores the events whose ids are not there yet, with one multi-row INSERT per thousand events;
   * returns the stored ones, in the order given. Within the list, the first event with an id wins.
   * Call it inside a transaction to store all or nothing.
   */
  @Override
  public List<StoredEvent> appendAll(List<AuditedEvent> events) {
    Map<String, AuditedEvent> unique = new LinkedHashMap<>();
    events.forEach(event -> unique.putIfAbsent(event.eventId(), event));
    List<AuditedEvent> candidates = new ArrayList<>(unique.values());
    Map<String, Long> ids = new HashMap<>();
    for (int from = 0; from < candidates.size(); from += ROWS_PER_INSERT) {
      ids.putAll(
          insert(candidates.subList(from, Math.min(candidates.size(), from + ROWS_PER_INSERT))));
    }
    List<StoredEvent> stored = new ArrayList<>();
    for (AuditedEvent event : candidates) {
      Long id = ids.get(event.eventId());
      if (id != null) {
        stored.add(new StoredEvent(id, event));
      }
    }
    return stored;
  }

  private Map<String, Long> insert(List<AuditedEvent> events) {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO audit_event (event_id, execution_id, event_type, topic, kafka_partition,"
                + " kafka_offset, source, pipeline, failure_type, occurred_at, payload) VALUES ");
    List<Object> params = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      AuditedEvent event = events.get(i);
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)");
      params.add(event.eventId());
      params.add(event.executionId());
      params.add(event.eventType());
      params.add(event.topic());
      params.add(event.partition());
      params.add(event.offset());
      params.add(event.source());
      params.add(event.pipeline());
      params.add(event.failureType());
      params.add(utc(event.occurredAt()));
      params.add(event.payloadJson());
    }
    sql.append(" ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id");
    Map<String, Long> ids = new HashMap<>();
    jdbc.sql(sql.toString())
        .params(params)
        .query((RowCallbackHandler) rs -> ids.put(rs.getString("event_id"), rs.getLong("id")));
    return ids;
  }

  /** One event by its id. */
  @Override
  public Optional<StoredEvent> find(String eventId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM audit_event WHERE event_id = ?")
        .param(eventId)
        .query(JdbcAuditTrail::stored)
        .optional();
  }

  /** These events (those still stored), oldest first. */
  @Override
  public List<StoredEvent> findAll(Collection<String> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM audit_event WHERE event_id = ANY(?) ORDER BY occurred_at, id")
        .param(eventIds.toArray(String[]::new))
        .query(JdbcAuditTrail::stored)
        .list();
  }

  /** A page of the execution's events, oldest first (by occurrence, then by arrival). */
  @Override
  public List<StoredEvent> timeline(String executionId, int limit, int offset) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM audit_event WHERE execution_id = ? ORDER BY occurred_at, id"
                + " LIMIT ? OFFSET ?")
        .params(executionId, limit, offset)
        .query(JdbcAuditTrail::stored)
        .list();
  }

  /** The ids of the events stored for each of these executions. */
  @Override
  public Map<String, Set<String>> eventIdsOf(Collection<String> executionIds) {
    Map<String, Set<String>> ids = new HashMap<>();
    if (executionIds.isEmpty()) {
      return ids;
    }
    jdbc.sql("SELECT execution_id, event_id FROM audit_event WHERE execution_id = ANY(?)")
        .param(executionIds.toArray(String[]::new))
        .query(
            (RowCallbackHandler)
                rs ->
                    ids.computeIfAbsent(rs.getString("execution_id"), e -> new HashSet<>())
                        .add(rs.getString("event_id")));
    return ids;
  }

  /** The events that match every criterion of the filter, oldest first. */
  @Override
  public List<StoredEvent> search(EventFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE TRUE");
    Map<String, Object> params = new HashMap<>();
    if (!filter.types().isEmpty()) {
      sql.append(" AND event_type IN (:types)");
      params.put("types", filter.types());
    }
    if (filter.pipeline() != null) {
      // events that do not name their pipeline (decisions) belong to an execution that does
      sql.append(
          " AND execution_id IN (SELECT execution_id FROM audit_event WHERE pipeline = :pipeline)");
      params.put("pipeline", filter.pipeline());
    }
    if (filter.failureType() != null) {
      sql.append(" AND failure_type = :failureType");
      params.put("failureType", filter.failureType());
    }
    if (filter.executionId() != null) {
      sql.append(" AND execution_id = :executionId");
      params.put("executionId", filter.executionId());
    }
    if (filter.from() != null) {
      sql.append(" AND occurred_at >= :from");
      params.put("from", utc(filter.from()));
    }
    if (filter.to() != null) {
      sql.append(" AND occurred_at < :to");
      params.put("to", utc(filter.to()));
    }
    sql.append(" ORDER BY occurred_at, id LIMIT :limit OFFSET :offset");
    params.put("limit", filter.limit());
    params.put("offset", filter.offset());
    return jdbc.sql(sql.toString()).params(params).query(JdbcAuditTrail::stored).list();
  }

  /**
   * Deletes up to {@code limit} events that occurred before the cutoff, skipping rows another purge
   * holds; returns how many it deleted.
   */
  @Override
  public int deleteOccurredBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            DELETE FROM audit_event WHERE id IN (
              SELECT id FROM audit_event WHERE occurred_at < ?
              ORDER BY occurred_at LIMIT ? FOR UPDATE SKIP LOCKED)""")
        .params(utc(cutoff), limit)
        .update();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static StoredEvent stored(ResultSet rs, int row) throws SQLException {
    return new StoredEvent(
        rs.getLong("id"),
        new AuditedEvent(
            rs.getString("event_id"),
            rs.getString("execution_id"),
            rs.getString("event_type"),
            rs.getString("topic"),
            rs.getInt("kafka_partition"),
            rs.getLong("kafka_offset"),
            rs.getString("source"),
            rs.getString("pipeline"),
            rs.getString("failure_type"),
            rs.getTimestamp("occurred_at").toInstant(),
            rs.getString("payload")));
  }
}
