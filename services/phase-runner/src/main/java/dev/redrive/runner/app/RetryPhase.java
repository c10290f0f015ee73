package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.NextAttempt;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queues the attempt a RetryCommand asks for, with its context written to the workspace. Refused
 * while another phase of the execution is queued or running, or when it was cancelled. Duplicate
 * commands (same command id) run nothing twice.
 *
 * <p>The context file is written after the commit, never inside the transaction: the transaction
 * records it as a {@link WorkspaceStep} next to the attempt, so a refused, duplicate or rolled-back
 * retry leaves the workspace as it was, and a runner that dies after the commit writes it before
 * the attempt runs ({@link PendingWorkspaceChanges}, called by {@link RunAttempt}).
 */
@Service
public class RetryPhase {

  private static final Logger log = LoggerFactory.getLogger(RetryPhase.class);

  private final Pipelines pipelines;
  private final ExecutionStore store;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final WorkspaceSteps steps;
  private final PendingWorkspaceChanges changes;
  private final ExecutionStateFile stateFile;
  private final AttemptWorker worker;

  public RetryPhase(
      Pipelines pipelines,
      ExecutionStore store,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      WorkspaceSteps steps,
      PendingWorkspaceChanges changes,
      ExecutionStateFile stateFile,
      AttemptWorker worker) {
    this.pipelines = pipelines;
    this.store = store;
    this.processed = processed;
    this.transaction = transaction;
    this.steps = steps;
    this.changes = changes;
    this.stateFile = stateFile;
    this.worker = worker;
  }

  /**
   * @throws UnknownExecutionException when the execution is unknown
   * @throws UnknownPhaseException when the phase is not one of the pipeline's
   * @throws ExecutionConflictException when the execution was cancelled or a phase of it is queued
   *     or running
   */
  public void retry(String executionId, String phaseName, RetryInstructions retry) {
    Execution known =
        store
            .execution(executionId)
            .orElseThrow(
                () ->
                    new UnknownExecutionException(
                        "RetryCommand %s names execution %s, which this runner does not know"
                            .formatted(retry.commandId(), executionId)));
    Pipeline pipeline =
        pipelines
            .find(known.pipeline())
            .orElseThrow(() -> new PipelineNoLongerDefinedException(known));
    if (pipeline.phase(phaseName).isEmpty()) {
      throw new UnknownPhaseException(
          "RetryCommand %s names phase '%s'; pipeline %s has %s"
              .formatted(retry.commandId(), phaseName, pipeline.name(), pipeline.phaseNames()),
          pipeline.phaseNames());
    }
    String contextFile =
        ".redrive/context-%s-attempt-%d.json".formatted(phaseName, retry.attemptNumber());
    Attempt attempt =
        Attempt.queued(
            Ids.newId("att_"),
            executionId,
            phaseName,
            new NextAttempt(retry.attemptNumber(), retry.maxAttempts()),
            retry.commandId(),
            contextFile,
            retry.previousError(),
            AttemptOrigin.RETRY,
            null);
    Boolean queued =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(retry.commandId())) {
                return false;
              }
              Execution execution = store.lockExecution(executionId).orElseThrow();
              String command = "RetryCommand " + retry.commandId();
              if (execution.status() == ExecutionStatus.CANCELLED) {
                throw new ExecutionConflictException(
                    "%s: execution %s was cancelled; roll it back or resume it to run it again"
                        .formatted(command, executionId));
              }
              requireIdle(execution, command);
              // written after the commit, before the attempt runs
              steps.add(executionId, new WorkspaceStep.WriteFile(contextFile, retry.contextJson()));
              store.queueAttempt(attempt);
              store.updateExecution(executionId, ExecutionStatus.RUNNING, phaseName);
              return true;
            });
    if (!Boolean.TRUE.equals(queued)) {
      log.info("retry command {} was already handled", LogText.escape(retry.commandId()));
      return;
    }
    log.info(
        "execution {}: retrying phase {} as {} (command {})",
        executionId,
        phaseName,
        attempt.describe(),
        retry.commandId());
    changes.finish(executionId, known.workspace());
    stateFile.write(executionId);
    worker.submit(attempt.attemptId());
  }

  private void requireIdle(Execution execution, String command) {
    var active = store.activeAttempts(execution.executionId());
    if (!active.isEmpty()) {
      Attempt busy = active.get(0);
      throw new ExecutionConflictException(
          "%s: execution %s has phase %s %s (attempt %d); one phase runs at a time"
              .formatted(
                  command,
                  execution.executionId(),
                  busy.phase(),
                  busy.status(),
                  busy.attemptNumber()));
    }
  }
}
