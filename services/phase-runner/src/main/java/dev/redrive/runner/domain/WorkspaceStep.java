package dev.redrive.runner.domain;

import java.util.List;
import java.util.Map;

/**
 * One change to an execution's workspace that a committed decision calls for, carried out after the
 * commit. Each can be carried out again with the same result (the runner may die after doing it and
 * before forgetting it), as long as no attempt of the execution ran in between, which the runner
 * ensures: an attempt starts only when every step of its execution is done.
 */
public sealed interface WorkspaceStep {

  /** A short name of the kind of step, for the log and the database. */
  String kind();

  /** Writes a file (a retry, rollback or loop context), replacing what is there. */
  record WriteFile(String path, String content) implements WorkspaceStep {
    @Override
    public String kind() {
      return "write-file";
    }
  }

  /**
   * Makes a checkpoint copied to {@code staged} (before the commit) the phase's copy; done once
   * {@code staged} is gone.
   */
  record InstallCheckpoint(String phase, String staged) implements WorkspaceStep {
    @Override
    public String kind() {
      return "install-checkpoint";
    }
  }

  /**
   * Copies a failed (or looped) attempt's artifacts to {@code archive} and writes its error report
   * to {@code error.log} and next to them, and its manifest ({@link AttemptManifest}, as JSON) to
   * {@code manifestPath}.
   *
   * @param manifestPath null in a step recorded before manifests were kept
   * @param manifest null in a step recorded before manifests were kept
   */
  record ArchiveFailed(
      String artifactsDir, String archive, String report, String manifestPath, String manifest)
      implements WorkspaceStep {

    /** A step without a manifest. */
    public ArchiveFailed(String artifactsDir, String archive, String report) {
      this(artifactsDir, archive, report, null, null);
    }

    @Override
    public String kind() {
      return "archive-failed";
    }
  }

  /**
   * The file moves of a {@link RollbackPlan}: the cleared phases archived, the input and the
   * earlier phases restored from their checkpoints. Moving what is already gone moves nothing, and
   * a file already restored is left alone.
   */
  record RollBackFiles(
      List<RollbackPlan.Archive> archives,
      Map<String, FileFingerprint> input,
      List<RollbackPlan.Restore> restores)
      implements WorkspaceStep {

    public static RollBackFiles of(RollbackPlan plan) {
      return new RollBackFiles(plan.archives(), plan.input(), plan.restores());
    }

    @Override
    public String kind() {
      return "roll-back-files";
    }
  }
}
