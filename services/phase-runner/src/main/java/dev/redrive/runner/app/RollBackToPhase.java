package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.RollbackPlan;
import dev.redrive.runner.domain.RollbackRecord;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Goes back to a phase (a Rollback command or a resume, one path): refused while a phase runs;
 * queued attempts are dropped; what {@link RollbackPlan} decides is carried out (archive the phase
 * and every later one, restore the input and earlier phases from their checkpoints) and the phase
 * runs as its next attempt with the person's note. Duplicate commands change nothing and answer
 * what the first one did.
 *
 * <p>The transaction decides and only reads the workspace (is every file to restore still in its
 * checkpoint copy, which archives will receive something); the plan's file moves and the context
 * file are recorded as {@link WorkspaceStep}s and carried out after the commit. A refused or
 * rolled-back rollback leaves the workspace as it was; a duplicate finds no step to carry out, so
 * nothing is archived twice; a runner that dies after the commit carries the moves out before the
 * phase runs again ({@link PendingWorkspaceChanges}, called by {@link RunAttempt}). Steps an
 * earlier commit left pending are carried out first, so the plan reads the files they put in place.
 */
@Service
public class RollBackToPhase {

  private static final Logger log = LoggerFactory.getLogger(RollBackToPhase.class);

  private final Pipelines pipelines;
  private final ExecutionStore store;
  private final CheckpointStore checkpoints;
  private final RunnerEvents events;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final Workspaces workspaces;
  private final WorkspaceSteps steps;
  private final PendingWorkspaceChanges changes;
  private final ExecutionStateFile stateFile;
  private final ExecutionViews views;
  private final AttemptWorker worker;
  private final JsonMapper json;
  private final Clock clock;
  private final MeterRegistry meters;

  public RollBackToPhase(
      Pipelines pipelines,
      ExecutionStore store,
      CheckpointStore checkpoints,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      Workspaces workspaces,
      WorkspaceSteps steps,
      PendingWorkspaceChanges changes,
      ExecutionStateFile stateFile,
      ExecutionViews views,
      AttemptWorker worker,
      JsonMapper json,
      Clock clock,
      MeterRegistry meters) {
    this.pipelines = pipelines;
    this.store = store;
    this.checkpoints = checkpoints;
    this.events = events;
    this.processed = processed;
    this.transaction = transaction;
    this.workspaces = workspaces;
    this.steps = steps;
    this.changes = changes;
    this.stateFile = stateFile;
    this.views = views;
    this.worker = worker;
    this.json = json;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * A request to go back to a phase.
   *
   * @param toPhase the phase, or null to resume at the first phase that is not complete
   * @param note a person's note for the phase ({@code REDRIVE_NOTE} and the context file)
   * @param commandId idempotency key
   */
  public record RollbackRequest(
      String executionId, String toPhase, String note, String requestedBy, String commandId) {}

  /** What a rollback did; {@code repeated} when the command had been handled before. */
  public record RollbackResult(RollbackRecord rollback, int attemptNumber, boolean repeated) {}

  /**
   * Rolls back to a phase; returns what was done, or null when the command id was used before by
   * another kind of command.
   *
   * @throws UnknownExecutionException when the execution is unknown
   * @throws UnknownPhaseException when the phase is not one of the pipeline's
   * @throws ExecutionConflictException when a phase of the execution is running, or nothing is left
   *     to resume
   */
  public RollbackResult rollback(RollbackRequest request) {
    Execution known =
        store
            .execution(request.executionId())
            .orElseThrow(
                () ->
                    new UnknownExecutionException(
                        "no execution %s on this runner".formatted(request.executionId())));
    Pipeline pipeline =
        pipelines
            .find(known.pipeline())
            .orElseThrow(() -> new PipelineNoLongerDefinedException(known));
    if (request.toPhase() != null && pipeline.phase(request.toPhase()).isEmpty()) {
      throw new UnknownPhaseException(
          "no phase '%s' in pipeline %s; valid phases: %s"
              .formatted(request.toPhase(), pipeline.name(), pipeline.phaseNames()),
          pipeline.phaseNames());
    }
    changes.finish(known.executionId(), known.workspace());
    RollbackResult result =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(request.commandId())) {
                return checkpoints
                    .rollbackByCommand(request.commandId())
                    .map(r -> new RollbackResult(r, 0, true))
                    .orElse(null);
              }
              Execution execution = store.lockExecution(request.executionId()).orElseThrow();
              return rollBack(execution, pipeline, request);
            });
    if (result == null || result.repeated()) {
      log.info("rollback command {} was already handled", LogText.escape(request.commandId()));
      return result;
    }
    RollbackRecord rollback = result.rollback();
    meters
        .counter(
            "redrive.runner.rollbacks", "pipeline", pipeline.name(), "phase", rollback.toPhase())
        .increment();
    log.info(
        "execution {}: rolled back to phase {} (cleared {}, archived in {}); running it as attempt {}",
        rollback.executionId(),
        rollback.toPhase(),
        rollback.clearedPhases(),
        rollback.archive(),
        result.attemptNumber());
    changes.finish(known.executionId(), known.workspace());
    stateFile.write(rollback.executionId());
    worker.submit(rollback.attemptId());
    return result;
  }

  /** Plans the rollback and records it, under the execution's lock; moves no file. */
  private RollbackResult rollBack(Execution execution, Pipeline pipeline, RollbackRequest request) {
    String executionId = execution.executionId();
    for (Attempt attempt : store.activeAttempts(executionId)) {
      if (attempt.status() != AttemptStatus.QUEUED) {
        throw new ExecutionConflictException(
            "execution %s is running phase %s (attempt %d); cancel it or wait before rolling back"
                .formatted(executionId, attempt.phase(), attempt.attemptNumber()));
      }
    }
    String toPhase = request.toPhase();
    if (toPhase == null) {
      toPhase = views.view(executionId).orElseThrow().resumeFrom();
      if (toPhase == null) {
        throw new ExecutionConflictException(
            "every phase of execution %s is complete; name a phase to run again"
                .formatted(executionId));
      }
    }
    store.cancelQueued(executionId);
    RollbackPlan plan =
        RollbackPlan.plan(
            pipeline,
            executionId,
            new RollbackPlan.Ask(
                toPhase, request.note(), request.requestedBy(), request.commandId()),
            checkpoints.activeCheckpoints(executionId),
            store.phaseHistory(executionId, toPhase),
            clock.instant());
    WorkspaceStep.RollBackFiles files = WorkspaceStep.RollBackFiles.of(plan);
    List<String> archived = workspaces.previewRollBack(execution.workspace(), files);
    steps.add(executionId, files);
    steps.add(
        executionId,
        new WorkspaceStep.WriteFile(plan.contextFile(), json.writeValueAsString(plan.context())));
    checkpoints.deactivateCheckpoints(executionId, plan.clearedPhases());
    store.supersede(executionId, plan.clearedPhases());
    checkpoints.resetLoops(executionId, plan.clearedPhases());
    Attempt attempt =
        Attempt.queued(
            Ids.newId("att_"),
            executionId,
            toPhase,
            plan.next(),
            request.commandId(),
            plan.contextFile(),
            plan.previousError(),
            AttemptOrigin.ROLLBACK,
            request.note());
    store.queueAttempt(attempt);
    store.updateExecution(executionId, ExecutionStatus.RUNNING, toPhase);
    RollbackRecord rollback =
        new RollbackRecord(
            Ids.newId("rb_"),
            executionId,
            request.commandId(),
            toPhase,
            plan.clearedPhases(),
            archived.isEmpty() ? null : String.join(",", archived),
            attempt.attemptId(),
            request.note(),
            request.requestedBy(),
            clock.instant());
    checkpoints.recordRollback(rollback);
    events.rolledBack(
        executionId, pipeline.name(), toPhase, plan.clearedPhases(), request.requestedBy());
    return new RollbackResult(rollback, plan.next().number(), false);
  }
}
