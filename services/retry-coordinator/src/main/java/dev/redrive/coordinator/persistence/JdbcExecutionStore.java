package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.text;
import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.app.ExecutionStore;
import dev.redrive.coordinator.app.ExecutionUpdate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The execution, execution_phase and phase_checkpoint tables, as the use cases change them. */
@Repository
public class JdbcExecutionStore implements ExecutionStore {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcExecutionStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public void lock(String executionId) {
    jdbc.sql("SELECT 1 FROM execution WHERE execution_id = ? FOR UPDATE")
        .param(executionId)
        .query(Integer.class)
        .optional();
  }

  @Override
  public void recordExecutions(List<EventMeta> metas, Collection<ExecutionUpdate> updates) {
    Map<String, ExecutionWrite> writes = new LinkedHashMap<>();
    metas.forEach(meta -> writes.putIfAbsent(meta.executionId(), new ExecutionWrite(meta, null)));
    updates.forEach(
        update ->
            writes.merge(
                update.executionId(),
                new ExecutionWrite(null, update),
                (first, later) ->
                    new ExecutionWrite(
                        first.meta,
                        first.update == null ? later.update : first.update.then(later.update))));
    if (writes.isEmpty()) {
      return;
    }
    Collection<ExecutionWrite> rows = writes.values();
    // one statement: the updates of the executions known (a late event does not reopen an ended
    // one), and the new ones inserted as their updates leave them. It answers the updates of named
    // executions that changed no row and inserted none: those of an ended execution, and those
    // whose insert met a row that another transaction committed meanwhile, which are applied again
    // (as updates only) to the row there.
    List<String> unapplied =
        jdbc.sql(
                """
                WITH u AS (
                  SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS u(e, pl, so, changed, s, p, l, t, d, r)),
                updated AS (
                  UPDATE execution x SET status = coalesce(u.s, x.status),
                    current_phase = coalesce(u.p, x.current_phase),
                    last_error = coalesce(u.l, x.last_error),
                    last_failure_type = coalesce(u.t, x.last_failure_type),
                    last_decision = coalesce(u.d, x.last_decision),
                    last_retry_command = coalesce(u.r, x.last_retry_command), updated_at = now()
                  FROM u WHERE x.execution_id = u.e AND u.changed::boolean
                    AND x.status NOT IN ('SUCCEEDED', 'CANCELLED')
                  RETURNING x.execution_id),
                created AS (
                  INSERT INTO execution (execution_id, pipeline, source, status, current_phase,
                    last_error, last_failure_type, last_decision, last_retry_command)
                  SELECT e, pl, so, coalesce(s, 'RUNNING'), p, l, t, d, r FROM u
                  WHERE so IS NOT NULL AND e NOT IN (SELECT execution_id FROM updated)
                  ON CONFLICT (execution_id) DO NOTHING
                  RETURNING execution_id)
                SELECT e FROM u WHERE u.changed::boolean AND so IS NOT NULL
                  AND e NOT IN (SELECT execution_id FROM updated)
                  AND e NOT IN (SELECT execution_id FROM created)""")
            .param(texts(rows, w -> w.executionId()))
            .param(texts(rows, w -> w.meta == null ? null : w.meta.pipeline()))
            .param(texts(rows, w -> w.meta == null ? null : w.meta.source()))
            .param(texts(rows, w -> String.valueOf(w.update != null)))
            .param(texts(rows, w -> w.update == null ? null : text(w.update.status())))
            .param(texts(rows, w -> w.update == null ? null : w.update.currentPhase()))
            .param(texts(rows, w -> w.update == null ? null : w.update.lastError()))
            .param(texts(rows, w -> w.update == null ? null : text(w.update.lastFailureType())))
            .param(texts(rows, w -> w.update == null ? null : lastDecision(w.update)))
            .param(texts(rows, w -> w.update == null ? null : w.update.lastRetryCommand()))
            .query(String.class)
            .list();
    if (!unapplied.isEmpty()) {
      recordExecutions(List.of(), unapplied.stream().map(id -> writes.get(id).update).toList());
    }
  }

  /** An execution a batch names: the first event that named it (null: none), its update (null). */
  private record ExecutionWrite(EventMeta meta, ExecutionUpdate update) {
    String executionId() {
      return meta != null ? meta.executionId() : update.executionId();
    }
  }

  @Override
  public void updateExecutions(Collection<ExecutionUpdate> updates) {
    recordExecutions(List.of(), updates);
  }

  private String lastDecision(ExecutionUpdate update) {
    return update.lastDecision() == null ? null : json.writeValueAsString(update.lastDecision());
  }

  @Override
  public void reopen(String executionId, ExecutionStatus status, String currentPhase) {
    jdbc.sql(
            """
            UPDATE execution SET status = ?, current_phase = coalesce(?, current_phase),
              updated_at = now() WHERE execution_id = ?""")
        .params(status.name(), currentPhase, executionId)
        .update();
  }

  @Override
  public void createResubmitted(
      String newExecutionId, String pipeline, String source, String originalExecutionId) {
    jdbc.sql(
            """
            INSERT INTO execution (execution_id, pipeline, source, status, resubmitted_from)
            VALUES (?, ?, ?, 'RUNNING', ?)""")
        .params(newExecutionId, pipeline, source, originalExecutionId)
        .update();
  }

  @Override
  public void setPhases(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM execution_phase WHERE execution_id = ?").param(executionId).update();
    for (int i = 0; i < phases.size(); i++) {
      jdbc.sql("INSERT INTO execution_phase (execution_id, position, phase) VALUES (?, ?, ?)")
          .params(executionId, i, phases.get(i))
          .update();
    }
  }

  @Override
  public void saveCheckpoint(String executionId, String phase, Map<String, String> outputs) {
    jdbc.sql(
            """
            INSERT INTO phase_checkpoint (execution_id, phase, outputs) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (execution_id, phase)
            DO UPDATE SET outputs = excluded.outputs, created_at = now()""")
        .params(executionId, phase, json.writeValueAsString(outputs))
        .update();
  }

  @Override
  public void clearCheckpoints(String executionId, List<String> phases) {
    jdbc.sql("DELETE FROM phase_checkpoint WHERE execution_id = ? AND phase = ANY(?)")
        .params(executionId, phases.toArray(String[]::new))
        .update();
  }
}
