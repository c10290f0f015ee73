package dev.redrive.runner.app;

import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.RollbackPlan;
import dev.redrive.runner.domain.WritePaths;
import java.util.List;
import java.util.Map;

/**
 * The executions' folders (port). A workspace is named by its absolute path, as the execution keeps
 * it; paths inside it are relative to it.
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
   * Records a checkpoint: copies every file in scope and returns the manifest (path to
   * fingerprint).
   */
  Map<String, FileFingerprint> checkpoint(String workspace, String name, WritePaths scope);

  /**
   * Carries out a rollback's file moves: archives the cleared phases, restores the input and the
   * earlier phases from their checkpoints.
   *
   * @throws IllegalStateException when a checkpoint copy is missing or no longer matches its hash
   */
  RolledBack rollBack(String workspace, RollbackPlan plan);

  /**
   * Copies a failed attempt's artifacts to {@code artifacts/_failed/<phase>/attempt-<N>/} and
   * returns that path.
   */
  String archiveFailed(String workspace, Phase phase, int attempt);

  /** Writes the error report to {@code error.log} and next to the archived artifacts. */
  void writeErrorReport(String workspace, String archive, String report);
}
