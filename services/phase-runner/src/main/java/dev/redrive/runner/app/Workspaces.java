package dev.redrive.runner.app;

import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.runner.domain.WritePaths;
import java.util.List;
import java.util.Map;

/**
 * The executions' folders (port). A workspace is named by its absolute path, as the execution keeps
 * it; paths inside it are relative to it. Nothing here is called inside a transaction, except what
 * only reads ({@link #previewRollBack}).
 */
public interface Workspaces {

  /**
   * A new execution's workspace, filled in a staging folder outside any transaction.
   *
   * @param input the manifest of its input checkpoint
   */
  record Staged(String folder, Map<String, FileFingerprint> input) {}

  /** What a rollback moved and put back. */
  record RolledBack(List<String> archived, List<String> restored) {}

  /**
   * A checkpoint copied aside, not yet the phase's copy.
   *
   * @param folder where the copies are, relative to the workspace
   * @param manifest path to fingerprint of every copied file
   */
  record StagedCheckpoint(String folder, Map<String, FileFingerprint> manifest) {}

  /** Where the execution's workspace is (or will be). */
  String locate(String executionId);

  /**
   * Fills a staging folder for a new execution: {@code input/} (a copy of {@code copyInputFrom}'s
   * when given, then the parameters and the input files), the runner's folders and the input
   * checkpoint.
   *
   * @param copyInputFrom the workspace whose {@code input/} to copy first, or null
   * @param inputFiles content by workspace-relative path
   */
  Staged stage(
      String executionId,
      String copyInputFrom,
      Map<String, String> parameters,
      Map<String, byte[]> inputFiles);

  /** Moves a staged workspace to its place, replacing what a start that never committed left. */
  void install(Staged staged, String workspace);

  /** Removes a staging folder that will not be installed. */
  void discard(Staged staged);

  /** Removes a workspace (one whose execution was never recorded). */
  void delete(String workspace);

  /** The execution's parameters; empty when there are none. */
  Map<String, String> parameters(String workspace);

  void write(String workspace, String relative, String content);

  /** The content of a file, or null when there is no such file. */
  String read(String workspace, String relative);

  /** The absolute path of a file in the workspace. */
  String resolve(String workspace, String relative);

  /**
   * Copies every file in scope aside for the phase's checkpoint (its copies stay as they are until
   * {@link #installCheckpoint}); the folder is named after the attempt.
   */
  StagedCheckpoint stageCheckpoint(String workspace, String attemptId, WritePaths scope);

  /**
   * Makes a staged checkpoint the phase's copies, replacing the old ones; does nothing when it was
   * installed already (the staged folder is gone).
   */
  void installCheckpoint(String workspace, String phase, String staged);

  /** Removes the checkpoint the attempt staged, if it is still there (it was never recorded). */
  void discardStagedCheckpoint(String workspace, String attemptId);

  /**
   * Says, only reading, what a rollback's file moves would do: the archive locations that would
   * receive something.
   *
   * @throws IllegalStateException when a file must be restored and its checkpoint copy is missing
   *     or no longer matches its hash
   */
  List<String> previewRollBack(String workspace, WorkspaceStep.RollBackFiles rollBack);

  /**
   * Carries out a rollback's file moves: archives the cleared phases, restores the input and the
   * earlier phases from their checkpoints. Carried out again, it moves and restores nothing more.
   *
   * @throws IllegalStateException when a checkpoint copy is missing or no longer matches its hash
   */
  RolledBack rollBack(String workspace, WorkspaceStep.RollBackFiles rollBack);

  /** Copies the content of {@code artifactsDir} to {@code archive} (a failed attempt's). */
  void archiveFailed(String workspace, String artifactsDir, String archive);

  /** Writes the error report to {@code error.log} and next to the archived artifacts. */
  void writeErrorReport(String workspace, String archive, String report);

  /**
   * Size and SHA-256 of every file under {@code dir} (links as links), by path relative to it;
   * empty when it does not exist. Streams each file, never loads it whole.
   */
  Map<String, FileFingerprint> fingerprints(String workspace, String dir);

  /**
   * The bytes of {@code relative} inside the folder {@code archive}, or null when it is not a
   * regular file there (missing, a link or a path through a link, a path that leads out of the
   * folder) or is larger than {@code maxBytes}.
   */
  byte[] readArchived(String workspace, String archive, String relative, int maxBytes);
}
