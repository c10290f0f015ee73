package dev.redrive.runner.workspace;

import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Glob;
import dev.redrive.runner.domain.WritePaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Checkpoints in the workspace: after a phase succeeds, a copy of every file in its write scope
 * (its {@code artifacts/<phase>/} and allowed paths) goes to {@code .redrive/checkpoints/<phase>/},
 * and the manifest (path, size, SHA-256) goes to the database. A rollback puts earlier phases'
 * files back from these copies and archives what later phases produced.
 */
public final class Checkpoints {

  /** Where the checkpoint copies live, one folder per phase. */
  public static final String COPIES = ".redrive/checkpoints";

  /** The pseudo-phase whose checkpoint is the execution's {@code input/} folder at its start. */
  public static final String INPUT = Checkpoint.INPUT;

  private Checkpoints() {}

  /** The scope of the input checkpoint. */
  public static WritePaths inputScope() {
    return WritePaths.of("input", List.of());
  }

  /**
   * Records the checkpoint named {@code name}: copies every file in scope and returns the manifest
   * (workspace-relative path to fingerprint). The previous copy of that checkpoint is replaced.
   */
  public static Map<String, FileFingerprint> record(
      Workspace workspace, String name, WritePaths scope) {
    return copyInto(workspace, COPIES + "/" + name, scope);
  }

  /** Where an attempt's checkpoint is copied before it becomes its phase's copies. */
  public static String stagingFolder(String attemptId) {
    return COPIES + "/.staging-" + attemptId;
  }

  /**
   * Copies every file in scope to the attempt's {@linkplain #stagingFolder staging folder} and
   * returns the manifest; the phase's copies stay as they are until {@link #install}.
   */
  public static Map<String, FileFingerprint> stage(
      Workspace workspace, String attemptId, WritePaths scope) {
    return copyInto(workspace, stagingFolder(attemptId), scope);
  }

  /**
   * Makes the staged copies the checkpoint named {@code name}, replacing its old copies; nothing
   * happens when the staged folder is gone (it was installed before).
   */
  public static void install(Workspace workspace, String name, String staged) {
    Path from = workspace.resolve(staged);
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path copies = workspace.resolve(COPIES + "/" + name);
    FileTree.deleteTree(copies);
    FileTree.move(from, copies);
  }

  private static Map<String, FileFingerprint> copyInto(
      Workspace workspace, String folder, WritePaths scope) {
    Map<String, FileFingerprint> manifest = new TreeMap<>();
    Path copies = workspace.resolve(folder);
    FileTree.deleteTree(copies);
    filesInScope(workspace, scope)
        .forEach(
            (relative, file) -> {
              manifest.put(relative, FileTree.fingerprint(file));
              FileTree.copy(file, copies.resolve(relative));
            });
    return manifest;
  }

  /** Every file in the scope, outside the runner's folders. */
  public static Map<String, Path> filesInScope(Workspace workspace, WritePaths scope) {
    Map<String, Path> files = new TreeMap<>();
    for (String entry : scope.allowed()) {
      String start = Glob.staticPrefix(entry);
      FileTree.files(workspace.root(), workspace.resolve(start), Workspace::isRunnerArea)
          .forEach(
              (relative, file) -> {
                if (!Workspace.isRunnerArea(relative) && scope.allows(relative)) {
                  files.put(relative, file);
                }
              });
    }
    return files;
  }

  /**
   * Puts back every file of the checkpoint that is missing or differs, from its copy.
   *
   * @return the paths put back
   * @throws IllegalStateException when a copy is missing or no longer has the recorded content
   */
  public static List<String> restore(
      Workspace workspace, String name, Map<String, FileFingerprint> manifest) {
    List<String> restored = new ArrayList<>();
    Path copies = workspace.resolve(COPIES + "/" + name);
    manifest.forEach(
        (relative, recorded) -> {
          Path file = workspace.resolve(relative);
          if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
              && FileTree.fingerprint(file).equals(recorded)) {
            return;
          }
          Path copy = copies.resolve(relative);
          if (!Files.exists(copy, LinkOption.NOFOLLOW_LINKS)
              || !FileTree.fingerprint(copy).equals(recorded)) {
            throw new IllegalStateException(
                "cannot restore %s from checkpoint %s: its copy in %s is missing or was changed"
                    .formatted(relative, name, COPIES + "/" + name));
          }
          FileTree.copy(copy, file);
          restored.add(relative);
        });
    return restored;
  }

  /**
   * Checks, only reading, that {@link #restore} can put back every file of the checkpoint that is
   * missing, differs or will be moved away before it runs.
   *
   * @param movedAway whether a path will be moved away first (by the archive of a cleared phase)
   * @throws IllegalStateException when such a file's copy is missing or no longer has the recorded
   *     content
   */
  public static void checkRestorable(
      Workspace workspace,
      String name,
      Map<String, FileFingerprint> manifest,
      Predicate<String> movedAway) {
    Path copies = workspace.resolve(COPIES + "/" + name);
    manifest.forEach(
        (relative, recorded) -> {
          Path file = workspace.resolve(relative);
          if (!movedAway.test(relative)
              && Files.exists(file, LinkOption.NOFOLLOW_LINKS)
              && FileTree.fingerprint(file).equals(recorded)) {
            return;
          }
          Path copy = copies.resolve(relative);
          if (!Files.exists(copy, LinkOption.NOFOLLOW_LINKS)
              || !FileTree.fingerprint(copy).equals(recorded)) {
            throw new IllegalStateException(
                "cannot restore %s from checkpoint %s: its copy in %s is missing or was changed"
                    .formatted(relative, name, COPIES + "/" + name));
          }
        });
  }

  /** Whether {@link #archivePhase} would move anything. */
  public static boolean hasSomethingToArchive(
      Workspace workspace, String artifactsDir, Map<String, FileFingerprint> manifest) {
    Path artifacts = workspace.resolve(artifactsDir);
    if (!FileTree.files(artifacts, artifacts, f -> false).isEmpty()) {
      return true;
    }
    return manifest.keySet().stream()
        .anyMatch(
            relative ->
                !relative.startsWith(artifactsDir + "/")
                    && Files.exists(workspace.resolve(relative), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Moves the files in scope that the checkpoint does not hold (written after it was taken) to
   * {@code archive}, keeping their workspace-relative paths.
   */
  public static List<String> archiveExtras(
      Workspace workspace,
      WritePaths scope,
      Map<String, FileFingerprint> manifest,
      String archive) {
    List<String> moved = new ArrayList<>();
    filesInScope(workspace, scope)
        .forEach(
            (relative, file) -> {
              if (!manifest.containsKey(relative)) {
                FileTree.move(file, workspace.resolve(archive + relative));
                moved.add(relative);
              }
            });
    return moved;
  }

  /**
   * Archives what a phase produced before a rollback: the content of {@code artifacts/<phase>/}
   * goes to {@code archive}, its other checkpointed files to {@code archive/_outside-artifacts/}.
   *
   * @return whether anything was moved
   */
  public static boolean archivePhase(
      Workspace workspace,
      String artifactsDir,
      Map<String, FileFingerprint> manifest,
      String archive) {
    boolean moved = false;
    Path artifacts = workspace.resolve(artifactsDir);
    Map<String, Path> own = FileTree.files(artifacts, artifacts, f -> false);
    for (Map.Entry<String, Path> file : own.entrySet()) {
      FileTree.move(file.getValue(), workspace.resolve(archive + file.getKey()));
      moved = true;
    }
    FileTree.deleteTree(artifacts);
    for (String relative : manifest.keySet()) {
      Path file = workspace.resolve(relative);
      if (!relative.startsWith(artifactsDir + "/")
          && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        FileTree.move(file, workspace.resolve(archive + "_outside-artifacts/" + relative));
        moved = true;
      }
    }
    return moved;
  }

  /** Removes the copies of a checkpoint that no longer counts. */
  public static void discard(Workspace workspace, String name) {
    FileTree.deleteTree(workspace.resolve(COPIES + "/" + name));
  }
}
