package dev.redrive.runner.app;

import dev.redrive.contract.ErrorReport;
import dev.redrive.contract.FailedAttempt;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.Phase;
import java.time.Clock;
import java.util.List;

/** Archives a failed (or looped) attempt's artifacts and writes its error report. */
class FailureReports {

  /** Where a failed attempt's artifacts went, and its error report. */
  record Reported(String archive, String text) {}

  private final Workspaces workspaces;
  private final Clock clock;

  FailureReports(Workspaces workspaces, Clock clock) {
    this.workspaces = workspaces;
    this.clock = clock;
  }

  Reported report(String workspace, Phase phase, Attempt attempt, AttemptOutcome outcome) {
    String archive = workspaces.archiveFailed(workspace, phase, attempt.attemptNumber());
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
                clock.instant()));
    workspaces.writeErrorReport(workspace, archive, report);
    return new Reported(archive, report);
  }

  private static List<FailedAttempt.Check> checks(List<CheckResult> checks) {
    return checks.stream().map(c -> new FailedAttempt.Check(c.name(), c.passed())).toList();
  }
}
