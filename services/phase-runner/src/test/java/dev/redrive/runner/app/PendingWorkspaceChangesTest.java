package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.RollbackPlan;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.runner.domain.WritePaths;
import dev.redrive.runner.workspace.WorkspaceFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workspace steps carried out after their commit: in order, forgotten once done, carried out again
 * with the same result when the runner died before forgetting them, and kept (with the later ones
 * waiting) when one fails.
 */
class PendingWorkspaceChangesTest {

  private static final String EXECUTION = "exec_1";

  @TempDir Path root;

  private final InMemorySteps steps = new InMemorySteps();
  private WorkspaceFiles workspaces;
  private PendingWorkspaceChanges changes;
  private String workspace;
  private Path folder;

  @BeforeEach
  void createWorkspace() {
    workspaces = new WorkspaceFiles(root);
    changes = new PendingWorkspaceChanges(steps, workspaces);
    workspace = workspaces.locate(EXECUTION);
    folder = Path.of(workspace);
    write("artifacts/b/b.txt", "from b");
  }

  @Test
  void stepsAreCarriedOutInOrderAndForgotten() {
    steps.add(EXECUTION, new WorkspaceStep.WriteFile(".redrive/context.json", "first"));
    steps.add(EXECUTION, new WorkspaceStep.WriteFile(".redrive/context.json", "second"));

    assertThat(changes.finish(EXECUTION, workspace)).isTrue();

    assertThat(folder.resolve(".redrive/context.json")).hasContent("second");
    assertThat(steps.pending(EXECUTION)).isEmpty();
  }

  @Test
  void aFailureArchiveCarriedOutAgainAfterTheRunnerDiedGivesTheSameWorkspace() {
    steps.add(
        EXECUTION,
        new WorkspaceStep.ArchiveFailed(
            "artifacts/b", "artifacts/_failed/b/attempt-1/", "ERROR REPORT\n"));
    steps.dieBeforeForgetting = true;

    assertThatThrownBy(() -> changes.finish(EXECUTION, workspace)).hasMessageContaining("died");
    Map<String, String> afterFirst = tree();
    steps.dieBeforeForgetting = false;
    assertThat(changes.finish(EXECUTION, workspace)).isTrue();

    assertThat(tree()).isEqualTo(afterFirst);
    assertThat(folder.resolve("artifacts/_failed/b/attempt-1/b.txt")).hasContent("from b");
    assertThat(folder.resolve("artifacts/_failed/b/attempt-1/error.log"))
        .hasContent("ERROR REPORT");
    assertThat(folder.resolve("error.log")).hasContent("ERROR REPORT");
  }

  @Test
  void aRollbackCarriedOutAgainArchivesNothingTwiceAndRestoresTheSame() {
    write("artifacts/a/a.txt", "from a");
    WritePaths aScope = WritePaths.of("artifacts/a", List.of());
    Workspaces.StagedCheckpoint a = workspaces.stageCheckpoint(workspace, "att_a", aScope);
    workspaces.installCheckpoint(workspace, "a", a.folder());
    write("artifacts/a/a.txt", "spoiled");
    write("artifacts/a/late.txt", "written after the checkpoint");
    WorkspaceStep.RollBackFiles rollBack =
        new WorkspaceStep.RollBackFiles(
            List.of(new RollbackPlan.Archive("b", "artifacts/b", Map.of(), "archive/b/")),
            null,
            List.of(new RollbackPlan.Restore("a", aScope, a.manifest(), "archive/a/")));
    assertThat(workspaces.previewRollBack(workspace, rollBack)).containsExactly("archive/b/");
    steps.add(EXECUTION, rollBack);
    steps.dieBeforeForgetting = true;

    assertThatThrownBy(() -> changes.finish(EXECUTION, workspace)).hasMessageContaining("died");
    Map<String, String> afterFirst = tree();
    steps.dieBeforeForgetting = false;
    assertThat(changes.finish(EXECUTION, workspace)).isTrue();

    assertThat(tree()).isEqualTo(afterFirst);
    assertThat(folder.resolve("archive/b/b.txt")).hasContent("from b");
    assertThat(folder.resolve("archive/a/artifacts/a/late.txt"))
        .hasContent("written after the checkpoint");
    assertThat(folder.resolve("artifacts/a/a.txt")).hasContent("from a");
    assertThat(folder.resolve("artifacts/b")).doesNotExist();
  }

  @Test
  void aStagedCheckpointBecomesThePhasesCopiesOnceAndOnlyWhenInstalled() {
    WritePaths scope = WritePaths.of("artifacts/b", List.of());
    Workspaces.StagedCheckpoint staged = workspaces.stageCheckpoint(workspace, "att_b", scope);
    assertThat(folder.resolve(".redrive/checkpoints/b")).doesNotExist();

    steps.add(EXECUTION, new WorkspaceStep.InstallCheckpoint("b", staged.folder()));
    steps.add(EXECUTION, new WorkspaceStep.InstallCheckpoint("b", staged.folder()));
    assertThat(changes.finish(EXECUTION, workspace)).isTrue();
    workspaces.discardStagedCheckpoint(workspace, "att_b");

    assertThat(folder.resolve(".redrive/checkpoints/b/artifacts/b/b.txt")).hasContent("from b");
    assertThat(folder.resolve(staged.folder())).doesNotExist();
    assertThat(staged.manifest()).containsOnlyKeys("artifacts/b/b.txt");
  }

  @Test
  void aStepThatFailsStaysPendingAndTheLaterOnesWaitForIt() {
    write("artifacts/_failed", "a file where the archive folder goes");
    steps.add(
        EXECUTION,
        new WorkspaceStep.ArchiveFailed("artifacts/b", "artifacts/_failed/b/attempt-1/", "R\n"));
    steps.add(EXECUTION, new WorkspaceStep.WriteFile(".redrive/context.json", "after it"));

    assertThat(changes.finish(EXECUTION, workspace)).isFalse();
    assertThat(steps.pending(EXECUTION)).hasSize(2);
    assertThat(folder.resolve(".redrive/context.json")).doesNotExist();

    delete("artifacts/_failed");
    assertThat(changes.finish(EXECUTION, workspace)).isTrue();
    assertThat(steps.pending(EXECUTION)).isEmpty();
    assertThat(folder.resolve("artifacts/_failed/b/attempt-1/b.txt")).hasContent("from b");
    assertThat(folder.resolve(".redrive/context.json")).hasContent("after it");
  }

  private void write(String relative, String content) {
    try {
      Files.createDirectories(folder.resolve(relative).getParent());
      Files.writeString(folder.resolve(relative), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void delete(String relative) {
    try {
      Files.delete(folder.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file of the workspace with its content. */
  private Map<String, String> tree() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(file).toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Steps in memory; can "die" between carrying a step out and forgetting it. */
  private static final class InMemorySteps implements WorkspaceSteps {

    private final List<Pending> steps = new ArrayList<>();
    private long next = 1;
    boolean dieBeforeForgetting;

    @Override
    public void add(String executionId, WorkspaceStep step) {
      steps.add(new Pending(next++, step));
    }

    @Override
    public List<Pending> pending(String executionId) {
      return List.copyOf(steps);
    }

    @Override
    public List<String> executionsWithPendingSteps() {
      return steps.isEmpty() ? List.of() : List.of(EXECUTION);
    }

    @Override
    public void done(long id) {
      if (dieBeforeForgetting) {
        throw new IllegalStateException("the runner died before forgetting step " + id);
      }
      steps.removeIf(p -> p.id() == id);
    }
  }
}
