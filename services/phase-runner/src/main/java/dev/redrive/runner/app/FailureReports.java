package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.ErrorReport;
import dev.redrive.runner.domain.Phase;
import java.time.Clock;

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
            clock.instant(),
            phase.name(),
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            outcome,
            archive,
            ErrorReport.recommendedAction(phase.name(), outcome));
    workspaces.writeErrorReport(workspace, archive, report);
    return new Reported(archive, report);
  }
}
