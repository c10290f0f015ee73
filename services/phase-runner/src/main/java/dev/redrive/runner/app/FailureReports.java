package dev.redrive.runner.app;

import dev.redrive.contract.ErrorReport;
import dev.redrive.contract.FailedAttempt;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.WorkspaceStep;
import java.time.Clock;
import java.util.List;

/**
 * Reports a failed (or looped) attempt: writes its error report and records, in the caller's
 * transaction, the step that archives its artifacts and writes the report to the workspace after
 * the commit.
 */
class FailureReports {

  /** Where a failed attempt's artifacts go, and its error report. */
  record Reported(String archive, String text) {}

  private final WorkspaceSteps steps;
  private final Clock clock;

  FailureReports(WorkspaceSteps steps, Clock clock) {
    this.steps = steps;
    this.clock = clock;
  }

  /** Where a failed attempt's artifacts are archived, relative to the workspace. */
  static String archiveOf(Phase phase, int attempt) {
    return "artifacts/_failed/%s/attempt-%d/".formatted(phase.name(), attempt);
  }

  Reported report(Phase phase, Attempt attempt, AttemptOutcome outcome) {
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
    steps.add(
        attempt.executionId(),
        new WorkspaceStep.ArchiveFailed(phase.artifactsDir(), archive, report));
    return new Reported(archive, report);
  }

  private static List<FailedAttempt.Check> checks(List<CheckResult> checks) {
    return checks.stream().map(c -> new FailedAttempt.Check(c.name(), c.passed())).toList();
  }
}
