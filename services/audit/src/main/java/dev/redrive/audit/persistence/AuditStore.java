package dev.redrive.audit.persistence;

import dev.redrive.audit.app.AuditedEvent;
import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit_event table: insert once by event id, read timelines. */
@Repository
public class AuditStore {

  private final JdbcClient jdbc;

  public AuditStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores the event unless its id is already there; true when it was new. */
  public boolean append(AuditedEvent event) {
    return jdbc.sql(
                """
                INSERT INTO audit_event (event_id, execution_id, event_type, topic, kafka_partition,
                  kafka_offset, source, occurred_at, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING""")
            .params(
                event.eventId(),
                event.executionId(),
                event.eventType(),
                event.topic(),
                event.partition(),
                event.offset(),
                event.source(),
                Timestamp.from(event.occurredAt()),
                event.payloadJson())
            .update()
        == 1;
  }

  /** An execution's events, oldest first (by occurrence, then by arrival). */
  public List<AuditedEvent> timeline(String executionId, int limit, int offset) {
    return jdbc.sql(
            """
            SELECT * FROM audit_event WHERE execution_id = ?
            ORDER BY occurred_at, id LIMIT ? OFFSET ?""")
        .params(executionId, limit, offset)
        .query(
            (rs, n) ->
                new AuditedEvent(
                    rs.getString("event_id"),
                    rs.getString("execution_id"),
                    rs.getString("event_type"),
                    rs.getString("topic"),
                    rs.getInt("kafka_partition"),
                    rs.getLong("kafka_offset"),
                    rs.getString("source"),
                    rs.getTimestamp("occurred_at").toInstant(),
                    rs.getString("payload")))
        .list();
  }
}
