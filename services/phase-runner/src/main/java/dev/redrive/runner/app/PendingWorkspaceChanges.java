package dev.redrive.runner.app;

import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.support.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Carries out the workspace steps that committed transactions recorded ({@link WorkspaceSteps}),
 * oldest first, outside any transaction: right after the commit that recorded them, before an
 * attempt of the execution runs, and at start. A step is forgotten only once it was carried out, so
 * the runner dying in between means doing it again, which every step allows; a step that fails is
 * logged with the execution and stays, and the steps after it wait for it.
 */
@Service
public class PendingWorkspaceChanges {

  private static final Logger log = LoggerFactory.getLogger(PendingWorkspaceChanges.class);
  private static final int STRIPES = 64;

  private final WorkspaceSteps steps;
  private final Workspaces workspaces;
  private final Object[] locks = new Object[STRIPES];

  public PendingWorkspaceChanges(WorkspaceSteps steps, Workspaces workspaces) {
    this.steps = steps;
    this.workspaces = workspaces;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Carries out the execution's pending steps; callers of one execution take turns, so none is
   * carried out twice at once on this instance.
   *
   * @return whether none is left
   */
  public boolean finish(String executionId, String workspace) {
    synchronized (locks[Math.floorMod(executionId.hashCode(), STRIPES)]) {
      for (WorkspaceSteps.Pending pending : steps.pending(executionId)) {
        try {
          carryOut(executionId, workspace, pending.step());
        } catch (RuntimeException e) {
          log.error(
              "execution {}: workspace step {} ({}) failed after its commit; it stays pending and"
                  + " is tried again before the execution's next attempt and at the next start",
              LogText.escape(executionId),
              pending.id(),
              pending.step().kind(),
              e);
          return false;
        }
        steps.done(pending.id());
        log.debug(
            "execution {}: workspace step {} ({}) done",
            LogText.escape(executionId),
            pending.id(),
            pending.step().kind());
      }
      return true;
    }
  }

  private void carryOut(String executionId, String workspace, WorkspaceStep step) {
    if (step instanceof WorkspaceStep.WriteFile write) {
      workspaces.write(workspace, write.path(), write.content());
    } else if (step instanceof WorkspaceStep.InstallCheckpoint install) {
      workspaces.installCheckpoint(workspace, install.phase(), install.staged());
    } else if (step instanceof WorkspaceStep.ArchiveFailed failed) {
      workspaces.archiveFailed(workspace, failed.artifactsDir(), failed.archive());
      workspaces.writeErrorReport(workspace, failed.archive(), failed.report());
      if (failed.manifest() != null) {
        workspaces.write(workspace, failed.manifestPath(), failed.manifest());
      }
    } else if (step instanceof WorkspaceStep.RollBackFiles rollBack) {
      Workspaces.RolledBack moved = workspaces.rollBack(workspace, rollBack);
      if (!moved.restored().isEmpty()) {
        log.info(
            "execution {}: restored from checkpoints: {}",
            LogText.escape(executionId),
            moved.restored());
      }
    } else {
      throw new IllegalArgumentException("unknown workspace step " + step.kind());
    }
  }
}
