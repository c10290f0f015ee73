package dev.redrive.runner.app;

import dev.redrive.contract.ErrorReport;
import dev.redrive.contract.FailedAttempt;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptManifest;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WorkspaceStep;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reports a failed (or looped) attempt: writes its error report and its manifest ({@link
 * AttemptManifest}: what it read and left, from which its digests come) and records, in the
 * caller's transaction, the step that archives its artifacts and writes the report and the manifest
 * to the workspace after the commit.
 */
class FailureReports {

  /** The execution's parameters file, left out of the input files: parameters count by value. */
  static final String PARAMETERS_FILE = "input/parameters.properties";

  /** Where a failed attempt's artifacts go, its error report and its digests. */
  record Reported(String archive, String text, AttemptDigests digests) {}

  /**
   * What settling read from the workspace before its transaction (no file is read inside it).
   *
   * @param parameters the execution's parameters
   * @param artifacts the files of the phase's artifacts folder, by path relative to it
   */
  record Observed(Map<String, String> parameters, Map<String, FileFingerprint> artifacts) {}

  private final WorkspaceSteps steps;
  private final CheckpointStore checkpoints;
  private final JsonMapper json;
  private final Clock clock;

  FailureReports(WorkspaceSteps steps, CheckpointStore checkpoints, JsonMapper json, Clock clock) {
    this.steps = steps;
    this.checkpoints = checkpoints;
    this.json = json;
    this.clock = clock;
  }

  /** Where a failed attempt's artifacts are archived, relative to the workspace. */
  static String archiveOf(Phase phase, int attempt) {
    return AttemptManifest.archiveOf(phase.name(), attempt);
  }

  /**
   * Reports the failure.
   *
   * @param observed what was read before the transaction, or null when the workspace could not be
   *     read (then no manifest is kept and the digests are not known)
   */
  Reported report(
      Pipeline pipeline, Phase phase, Attempt attempt, AttemptOutcome outcome, Observed observed) {
    String archive = archiveOf(phase, attempt.attemptNumber());
    String report =
        ErrorReport.format(
            new FailedAttempt(
                attempt.executionId(),
                phase.name(),
                attempt.attemptNumber(),
                attempt.maxAttempts(),
                outcome.failureType().name(),
                outcome.errorType(),
                outcome.message(),
                outcome.exitCode(),
                outcome.logExcerpt(),
                checks(outcome.checks()),
                List.of(),
                archive,
                clock.instant(),
                outcome.attributes().get(AttemptOutcome.MISSING_OUTPUT_PHASE)));
    if (observed == null) {
      steps.add(
          attempt.executionId(),
          new WorkspaceStep.ArchiveFailed(phase.artifactsDir(), archive, report));
      return new Reported(archive, report, null);
    }
    AttemptManifest manifest =
        AttemptManifest.of(
            attempt,
            outcome,
            AttemptDigests.parameterHashes(
                attempt.executionId(), phase.inputs(), observed.parameters()),
            inputFiles(pipeline, phase, attempt.executionId()),
            observed.artifacts());
    steps.add(
        attempt.executionId(),
        new WorkspaceStep.ArchiveFailed(
            phase.artifactsDir(),
            archive,
            report,
            AttemptManifest.pathOf(phase.name(), attempt.attemptNumber()),
            json.writeValueAsString(manifest)));
    return new Reported(archive, report, manifest.digests());
  }

  /**
   * The files the attempt could read: the input checkpoint's (but the parameters file) and the
   * active checkpoints of the phases before it, as recorded when each was taken.
   */
  private Map<String, FileFingerprint> inputFiles(
      Pipeline pipeline, Phase phase, String executionId) {
    Map<String, Checkpoint> active = checkpoints.activeCheckpoints(executionId);
    Map<String, FileFingerprint> files = new TreeMap<>();
    Checkpoint input = active.get(Checkpoint.INPUT);
    if (input != null) {
      files.putAll(input.files());
    }
    files.remove(PARAMETERS_FILE);
    for (Phase earlier : pipeline.before(phase.name())) {
      Checkpoint checkpoint = active.get(earlier.name());
      if (checkpoint != null) {
        files.putAll(checkpoint.files());
      }
    }
    return files;
  }

  private static List<FailedAttempt.Check> checks(List<CheckResult> checks) {
    return checks.stream().map(c -> new FailedAttempt.Check(c.name(), c.passed())).toList();
  }
}
