package dev.redrive.runner.workspace;

import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.WriteChanges;
import dev.redrive.runner.domain.WritePaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Detects and contains writes outside a phase's allowed paths. Before the phase runs, it records
 * the size and SHA-256 of every file outside those paths (the runner's own {@code .redrive/}
 * aside); afterwards it compares. Files the phase created or changed there are moved to {@code
 * artifacts/_untrusted/<phase>/attempt-<N>/}; a changed or deleted file is put back from a
 * checkpoint copy when one holds its earlier content.
 */
public final class WriteGuard {

  private WriteGuard() {}

  /** What was quarantined, and what could be put back. */
  public record Quarantine(String location, List<String> moved, List<String> restored) {}

  /** Fingerprints of every file the phase may not write. */
  public static Map<String, FileFingerprint> snapshot(Workspace workspace, WritePaths allowed) {
    Map<String, FileFingerprint> snapshot = new LinkedHashMap<>();
    FileTree.files(
            workspace.root(),
            workspace.root(),
            folder -> folder.equals(".redrive") || allowed.allowsFolder(folder))
        .forEach(
            (relative, file) -> {
              if (!allowed.allows(relative)) {
                snapshot.put(relative, FileTree.fingerprint(file));
              }
            });
    return snapshot;
  }

  /**
   * Moves what the phase wrote outside its allowed paths to the untrusted folder and restores what
   * it can from checkpoint copies.
   */
  public static Quarantine quarantine(
      Workspace workspace,
      String phase,
      int attempt,
      WriteChanges changes,
      Map<String, FileFingerprint> before) {
    String location = "artifacts/_untrusted/%s/attempt-%d/".formatted(phase, attempt);
    List<String> moved = new ArrayList<>();
    List<String> restored = new ArrayList<>();
    List<String> written = new ArrayList<>(changes.created());
    written.addAll(changes.changed());
    for (String relative : written) {
      Path file = workspace.resolve(relative);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        FileTree.move(file, workspace.resolve(location + relative));
        moved.add(relative);
      }
    }
    List<String> lost = new ArrayList<>(changes.changed());
    lost.addAll(changes.deleted());
    for (String relative : lost) {
      Optional<Path> copy = checkpointCopy(workspace, relative, before.get(relative));
      if (copy.isPresent()) {
        FileTree.copy(copy.get(), workspace.resolve(relative));
        restored.add(relative);
      }
    }
    return new Quarantine(location, moved, restored);
  }

  /** A checkpoint copy of the file with exactly the content it had before the phase ran. */
  private static Optional<Path> checkpointCopy(
      Workspace workspace, String relative, FileFingerprint was) {
    Path checkpoints = workspace.resolve(Checkpoints.COPIES);
    if (was == null || !Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    return FileTree.files(checkpoints, checkpoints, f -> false).entrySet().stream()
        .filter(e -> e.getKey().substring(e.getKey().indexOf('/') + 1).equals(relative))
        .map(Map.Entry::getValue)
        .filter(copy -> FileTree.fingerprint(copy).equals(was))
        .findFirst();
  }
}
