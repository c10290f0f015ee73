package dev.redrive.runner.workspace;

import dev.redrive.runner.app.ExecutionStateFile;
import dev.redrive.runner.app.ExecutionViews;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps {@code .redrive/state.json} of each workspace up to date: the execution, its phases and
 * their status, rewritten (atomically) after every committed change, so a person or a script can
 * read where an execution stands without the runner.
 */
public class StateFile implements ExecutionStateFile {

  private static final int STRIPES = 64;

  private final ExecutionViews views;
  private final JsonMapper json;
  private final Object[] locks = new Object[STRIPES];

  public StateFile(ExecutionViews views, JsonMapper json) {
    this.views = views;
    this.json = json;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Rewrites the execution's state file from the database. Writers of one execution take turns, and
   * each reads the database inside its turn, so the newest state is always written last.
   */
  @Override
  public void write(String executionId) {
    synchronized (locks[Math.floorMod(executionId.hashCode(), STRIPES)]) {
      views
          .view(executionId)
          .ifPresent(
              view -> {
                Workspace workspace = new Workspace(Path.of(view.execution().workspace()));
                if (Files.isDirectory(workspace.root())) {
                  workspace.writeAtomically(
                      Workspace.STATE_FILE,
                      json.writerWithDefaultPrettyPrinter().writeValueAsString(view));
                }
              });
    }
  }
}
