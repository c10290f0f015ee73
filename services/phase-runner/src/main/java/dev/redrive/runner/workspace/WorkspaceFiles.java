package dev.redrive.runner.workspace;

import dev.redrive.runner.app.Workspaces;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.RollbackPlan;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.runner.domain.WritePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The executions' folders under the workspace root, one per execution id. A new one is filled in a
 * folder of its own, {@code <root>/.staging-<id>-<random>} (no execution id starts with a dot), and
 * renamed to its place in one step, or removed: once a start is over, the root holds execution
 * folders only.
 */
public class WorkspaceFiles implements Workspaces {

  /**
   * The prefix of the folders new workspaces are filled in before they are moved to their place.
   */
  static final String STAGING = ".staging-";

  private final Path root;

  public WorkspaceFiles(Path root) {
    this.root = root.toAbsolutePath();
  }

  @Override
  public String locate(String executionId) {
    return root.resolve(executionId).toString();
  }

  @Override
  public Staged stage(
      String executionId,
      String copyInputFrom,
      Map<String, String> parameters,
      Map<String, byte[]> inputFiles) {
    Workspace workspace =
        Workspace.create(
            root, STAGING + executionId + "-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      if (copyInputFrom != null) {
        workspace.copyInputFrom(open(copyInputFrom));
      }
      workspace.writeParameters(parameters);
      inputFiles.forEach(workspace::write);
      Map<String, FileFingerprint> input =
          Checkpoints.record(workspace, Checkpoints.INPUT, Checkpoints.inputScope());
      return new Staged(workspace.root().toString(), input);
    } catch (RuntimeException e) {
      workspace.delete();
      throw e;
    }
  }

  @Override
  public void install(Staged staged, String workspace) {
    Path target = Path.of(workspace);
    FileTree.deleteTree(target);
    try {
      Files.move(Path.of(staged.folder()), target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      FileTree.move(Path.of(staged.folder()), target);
    } catch (IOException e) {
      throw new UncheckedIOException("could not move " + staged.folder() + " to " + target, e);
    }
  }

  /**
   * Removes the staging folders older than {@code age}: a start that crashed between filling its
   * folder and installing it left it behind, and nothing else would ever remove it. Younger ones
   * may belong to a start in progress (on this or another instance sharing the root).
   *
   * @return how many were removed
   */
  public int removeAbandonedStaging(Duration age, Instant now) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int removed = 0;
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        if (child.getFileName().toString().startsWith(STAGING)
            && Files.getLastModifiedTime(child).toInstant().isBefore(now.minus(age))) {
          FileTree.deleteTree(child);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the workspace root " + root, e);
    }
    return removed;
  }

  @Override
  public void discard(Staged staged) {
    FileTree.deleteTree(Path.of(staged.folder()));
  }

  @Override
  public void delete(String workspace) {
    open(workspace).delete();
  }

  @Override
  public Map<String, String> parameters(String workspace) {
    return open(workspace).parameters();
  }

  @Override
  public void write(String workspace, String relative, String content) {
    open(workspace).write(relative, content);
  }

  @Override
  public String read(String workspace, String relative) {
    Path file = open(workspace).resolve(relative);
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the context " + file, e);
    }
  }

  @Override
  public String resolve(String workspace, String relative) {
    return open(workspace).resolve(relative).toString();
  }

  @Override
  public StagedCheckpoint stageCheckpoint(String workspace, String attemptId, WritePaths scope) {
    return new StagedCheckpoint(
        Checkpoints.stagingFolder(attemptId), Checkpoints.stage(open(workspace), attemptId, scope));
  }

  @Override
  public void installCheckpoint(String workspace, String phase, String staged) {
    Checkpoints.install(open(workspace), phase, staged);
  }

  @Override
  public void discardStagedCheckpoint(String workspace, String attemptId) {
    FileTree.deleteTree(open(workspace).resolve(Checkpoints.stagingFolder(attemptId)));
  }

  @Override
  public List<String> previewRollBack(String workspace, WorkspaceStep.RollBackFiles rollBack) {
    Workspace folder = open(workspace);
    List<String> archived = new ArrayList<>();
    for (RollbackPlan.Archive archive : rollBack.archives()) {
      if (Checkpoints.hasSomethingToArchive(
          folder, archive.artifactsDir(), archive.checkpointed())) {
        archived.add(archive.location());
      }
    }
    Predicate<String> movedAway =
        relative ->
            rollBack.archives().stream()
                .anyMatch(
                    a ->
                        relative.startsWith(a.artifactsDir() + "/")
                            || a.checkpointed().containsKey(relative));
    if (rollBack.input() != null) {
      Checkpoints.checkRestorable(folder, Checkpoints.INPUT, rollBack.input(), movedAway);
    }
    for (RollbackPlan.Restore restore : rollBack.restores()) {
      Checkpoints.checkRestorable(folder, restore.phase(), restore.checkpointed(), movedAway);
    }
    return List.copyOf(archived);
  }

  @Override
  public RolledBack rollBack(String workspace, WorkspaceStep.RollBackFiles rollBack) {
    Workspace folder = open(workspace);
    List<String> archived = new ArrayList<>();
    for (RollbackPlan.Archive archive : rollBack.archives()) {
      if (Checkpoints.archivePhase(
          folder, archive.artifactsDir(), archive.checkpointed(), archive.location())) {
        archived.add(archive.location());
      }
      Checkpoints.discard(folder, archive.phase());
    }
    List<String> restored = new ArrayList<>();
    if (rollBack.input() != null) {
      restored.addAll(Checkpoints.restore(folder, Checkpoints.INPUT, rollBack.input()));
    }
    for (RollbackPlan.Restore restore : rollBack.restores()) {
      Checkpoints.archiveExtras(
          folder, restore.scope(), restore.checkpointed(), restore.extrasLocation());
      restored.addAll(Checkpoints.restore(folder, restore.phase(), restore.checkpointed()));
    }
    return new RolledBack(List.copyOf(archived), List.copyOf(restored));
  }

  @Override
  public void archiveFailed(String workspace, String artifactsDir, String archive) {
    open(workspace).archiveFailed(artifactsDir, archive);
  }

  @Override
  public void writeErrorReport(String workspace, String archive, String report) {
    open(workspace).writeErrorReport(archive, report);
  }

  private static Workspace open(String workspace) {
    return new Workspace(Path.of(workspace));
  }

  @Override
  public Map<String, FileFingerprint> fingerprints(String workspace, String dir) {
    return open(workspace).fingerprints(dir);
  }

  @Override
  public byte[] readArchived(String workspace, String archive, String relative, int maxBytes) {
    return open(workspace).readInside(archive, relative, maxBytes);
  }
}
