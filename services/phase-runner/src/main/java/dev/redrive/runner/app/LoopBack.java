package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.LoopDecision;
import dev.redrive.runner.domain.LoopPlan;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WorkspaceStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A phase's loop check failed with iterations left: the attempt ends LOOPED (archived, report
 * written, reported with the loop's state so that the coordinator does not retry it), {@code
 * RolledBack {toPhase: <target>, clearedPhases: []}} is emitted, and the target runs again with the
 * check's output as its context ({@link LoopPlan}). Runs inside {@link SettleAttempt}'s
 * transaction, so it touches no file: the archive, the report and the target's context are recorded
 * as {@link WorkspaceStep}s that {@link SettleAttempt} carries out after the commit.
 */
class LoopBack {

  private static final Logger log = LoggerFactory.getLogger(LoopBack.class);

  private final ExecutionStore store;
  private final CheckpointStore checkpoints;
  private final RunnerEvents events;
  private final WorkspaceSteps steps;
  private final FailureReports reports;
  private final JsonMapper json;
  private final Clock clock;
  private final MeterRegistry meters;

  LoopBack(
      ExecutionStore store,
      CheckpointStore checkpoints,
      RunnerEvents events,
      WorkspaceSteps steps,
      FailureReports reports,
      JsonMapper json,
      Clock clock,
      MeterRegistry meters) {
    this.store = store;
    this.checkpoints = checkpoints;
    this.events = events;
    this.steps = steps;
    this.reports = reports;
    this.json = json;
    this.clock = clock;
    this.meters = meters;
  }

  /** Returns the id of the attempt queued for the loop's target. */
  String loopBack(
      Execution execution,
      Pipeline pipeline,
      Phase phase,
      Attempt attempt,
      AttemptOutcome outcome,
      LoopDecision.GoBack back,
      FailureReports.Observed observed) {
    String executionId = execution.executionId();
    int iteration = checkpoints.countLoopIteration(executionId, phase.name(), back.target());
    FailureReports.Reported reported = reports.report(pipeline, phase, attempt, outcome, observed);
    store.finishAttempt(
        attempt.attemptId(), AttemptStatus.LOOPED, outcome.failureType(), outcome.message());
    Phase target = pipeline.phase(back.target()).orElseThrow();
    LoopPlan plan =
        LoopPlan.plan(
            phase,
            attempt,
            outcome,
            back,
            iteration,
            target,
            store.phaseHistory(executionId, target.name()),
            reported.archive(),
            clock.instant());
    steps.add(
        executionId,
        new WorkspaceStep.WriteFile(plan.contextFile(), json.writeValueAsString(plan.context())));
    Attempt queued =
        Attempt.queued(
            Ids.newId("att_"),
            executionId,
            target.name(),
            plan.next(),
            null,
            plan.contextFile(),
            plan.previousError(),
            AttemptOrigin.LOOP,
            null);
    store.queueAttempt(queued);
    store.updateExecution(executionId, ExecutionStatus.RUNNING, target.name());
    // the failed check is reported like any failure, marked as handled by the loop, so that the
    // coordinator and the audit see it without the coordinator retrying it
    events.attemptFailed(
        pipeline.name(),
        attempt,
        outcome,
        phase.retryPolicy(),
        plan.reported(),
        reported.archive(),
        reported.text(),
        reported.digests());
    events.rolledBack(executionId, pipeline.name(), target.name(), List.of(), null);
    meters
        .counter(
            "redrive.runner.loops",
            "pipeline",
            pipeline.name(),
            "phase",
            phase.name(),
            "target",
            target.name())
        .increment();
    log.info(
        "execution {}: check '{}' of phase {} failed; back to phase {} (loop iteration {}/{})",
        executionId,
        plan.check(),
        phase.name(),
        target.name(),
        iteration,
        back.max());
    return queued.attemptId();
  }
}
