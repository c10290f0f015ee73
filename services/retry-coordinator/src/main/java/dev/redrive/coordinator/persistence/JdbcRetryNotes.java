package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.PhaseKey;
import dev.redrive.coordinator.app.RetryNotes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The retry_note table: what people wrote for a phase when they asked for a retry. */
@Repository
public class JdbcRetryNotes implements RetryNotes {

  private final JdbcClient jdbc;

  public JdbcRetryNotes(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void addNote(String executionId, String phase, String note, String requestedBy) {
    jdbc.sql("INSERT INTO retry_note (execution_id, phase, note, requested_by) VALUES (?, ?, ?, ?)")
        .params(executionId, phase, note, requestedBy)
        .update();
  }

  @Override
  public Map<PhaseKey, List<String>> notes(List<PhaseKey> phases) {
    Map<PhaseKey, List<String>> notes = new HashMap<>();
    if (phases.isEmpty()) {
      return notes;
    }
    jdbc.sql(
            """
            SELECT n.execution_id, n.phase, coalesce(n.requested_by || ': ', '') || n.note
            FROM retry_note n
            JOIN (SELECT DISTINCT e, p FROM unnest(?::text[], ?::text[]) AS t(e, p)) u
              ON n.execution_id = u.e AND n.phase = u.p
            ORDER BY n.id""")
        .param(texts(phases, PhaseKey::executionId))
        .param(texts(phases, PhaseKey::phase))
        .query(
            (rs, n) ->
                notes
                    .computeIfAbsent(
                        new PhaseKey(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                    .add(rs.getString(3)))
        .list();
    return notes;
  }
}
