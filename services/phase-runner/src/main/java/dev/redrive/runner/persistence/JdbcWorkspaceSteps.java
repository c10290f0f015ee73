package dev.redrive.runner.persistence;

import dev.redrive.runner.app.WorkspaceSteps;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.RollbackPlan;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.runner.domain.WritePaths;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Pending workspace steps (table workspace_step), each a kind and its JSON payload. */
@Repository
public class JdbcWorkspaceSteps implements WorkspaceSteps {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcWorkspaceSteps(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** A restore as stored: its write scope as the list of allowed paths, artifacts first. */
  record StoredRestore(
      String phase,
      List<String> scope,
      Map<String, FileFingerprint> checkpointed,
      String extrasLocation) {}

  /** A rollback's file moves as stored. */
  record StoredRollBack(
      List<RollbackPlan.Archive> archives,
      Map<String, FileFingerprint> input,
      List<StoredRestore> restores) {}

  @Override
  public void add(String executionId, WorkspaceStep step) {
    jdbc.sql("INSERT INTO workspace_step (execution_id, kind, payload) VALUES (?, ?, ?)")
        .params(executionId, step.kind(), json.writeValueAsString(stored(step)))
        .update();
  }

  @Override
  public List<Pending> pending(String executionId) {
    return jdbc.sql(
            """
            SELECT step_id, kind, payload FROM workspace_step
            WHERE execution_id = ? ORDER BY step_id""")
        .param(executionId)
        .query(
            (rs, row) ->
                new Pending(
                    rs.getLong("step_id"), step(rs.getString("kind"), rs.getString("payload"))))
        .list();
  }

  @Override
  public List<String> executionsWithPendingSteps() {
    return jdbc.sql(
            """
            SELECT execution_id FROM workspace_step
            GROUP BY execution_id ORDER BY min(step_id)""")
        .query(String.class)
        .list();
  }

  @Override
  public void done(long id) {
    jdbc.sql("DELETE FROM workspace_step WHERE step_id = ?").param(id).update();
  }

  private static Object stored(WorkspaceStep step) {
    if (step instanceof WorkspaceStep.RollBackFiles rollBack) {
      return new StoredRollBack(
          rollBack.archives(),
          rollBack.input(),
          rollBack.restores().stream()
              .map(
                  r ->
                      new StoredRestore(
                          r.phase(), r.scope().allowed(), r.checkpointed(), r.extrasLocation()))
              .toList());
    }
    return step;
  }

  private WorkspaceStep step(String kind, String payload) {
    return switch (kind) {
      case "write-file" -> json.readValue(payload, WorkspaceStep.WriteFile.class);
      case "install-checkpoint" -> json.readValue(payload, WorkspaceStep.InstallCheckpoint.class);
      case "archive-failed" -> json.readValue(payload, WorkspaceStep.ArchiveFailed.class);
      case "roll-back-files" -> rollBack(json.readValue(payload, StoredRollBack.class));
      default -> throw new IllegalStateException("unknown workspace step kind " + kind);
    };
  }

  private static WorkspaceStep rollBack(StoredRollBack stored) {
    return new WorkspaceStep.RollBackFiles(
        stored.archives(),
        stored.input(),
        stored.restores().stream()
            .map(
                r ->
                    new RollbackPlan.Restore(
                        r.phase(),
                        WritePaths.of(r.scope().get(0), r.scope().subList(1, r.scope().size())),
                        r.checkpointed(),
                        r.extrasLocation()))
            .toList());
  }
}
