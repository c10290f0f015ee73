package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.support.log.LogText;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recovers after a restart: workspace steps that committed decisions left pending (the runner died
 * between a commit and its file changes, or a change failed) are carried out first, in order;
 * attempts this runner instance left CANCELLING are CANCELLED, attempts it left RUNNING are
 * reported as INTERRUPTED (a soft failure the coordinator can retry), attempts left QUEUED are run
 * (by whichever instance claims them first). Attempts RUNNING on other instances are theirs.
 *
 * <p>Its own transactions only change attempt rows; the files an INTERRUPTED report archives are
 * written after its commit ({@link SettleAttempt}).
 */
@Service
public class RecoverAttempts {

  private static final Logger log = LoggerFactory.getLogger(RecoverAttempts.class);

  private final ExecutionStore store;
  private final TransactionTemplate transaction;
  private final WorkspaceSteps steps;
  private final PendingWorkspaceChanges changes;
  private final ExecutionStateFile stateFile;
  private final SettleAttempt settle;
  private final AttemptWorker worker;
  private final String runnerInstance;

  public RecoverAttempts(
      ExecutionStore store,
      TransactionTemplate transaction,
      WorkspaceSteps steps,
      PendingWorkspaceChanges changes,
      ExecutionStateFile stateFile,
      SettleAttempt settle,
      AttemptWorker worker,
      WorkerSettings settings) {
    this.store = store;
    this.transaction = transaction;
    this.steps = steps;
    this.changes = changes;
    this.stateFile = stateFile;
    this.settle = settle;
    this.worker = worker;
    this.runnerInstance = settings.runnerInstance();
  }

  public void recover() {
    finishPendingSteps();
    for (Attempt attempt : store.withStatusOn(AttemptStatus.CANCELLING, runnerInstance)) {
      transaction.executeWithoutResult(
          status -> store.finishAttempt(attempt.attemptId(), AttemptStatus.CANCELLED));
      stateFile.write(attempt.executionId());
    }
    for (Attempt attempt : store.withStatusOn(AttemptStatus.RUNNING, runnerInstance)) {
      log.warn(
          "execution {}: phase {} attempt {} was running when the runner stopped; reporting INTERRUPTED",
          attempt.executionId(),
          attempt.phase(),
          attempt.attemptNumber());
      settle
          .settle(
              attempt,
              new AttemptOutcome(
                  FailureType.INTERRUPTED,
                  false,
                  "interrupted",
                  "the runner stopped while phase %s was running".formatted(attempt.phase()),
                  null,
                  List.of(),
                  "",
                  0))
          .ifPresent(worker::submit);
    }
    store.attemptsWithStatus(AttemptStatus.QUEUED).forEach(a -> worker.submit(a.attemptId()));
  }

  private void finishPendingSteps() {
    List<String> executions = steps.executionsWithPendingSteps();
    if (executions.isEmpty()) {
      return;
    }
    log.info(
        "carrying out the pending workspace steps of {} execution(s) that committed decisions"
            + " left",
        executions.size());
    for (String executionId : executions) {
      Execution execution = store.execution(executionId).orElseThrow();
      if (changes.finish(executionId, execution.workspace())) {
        log.info("execution {}: pending workspace steps done", LogText.escape(executionId));
        stateFile.write(executionId);
      }
    }
  }
}
