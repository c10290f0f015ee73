package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.LoopDecision;
import dev.redrive.runner.domain.LoopState;
import dev.redrive.runner.domain.NextAttempt;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.domain.WorkspaceStep;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settles a finished attempt in one transaction that holds the execution's row lock, so a cancel or
 * a rollback never races with it: a success records the phase's checkpoint and queues the next
 * phase (or ends the execution), a failure is archived and reported, a failed loop check goes back
 * to the loop's target ({@link LoopBack}). An attempt cancelled meanwhile is only marked CANCELLED;
 * one no longer RUNNING is left alone.
 *
 * <p>No file is written inside the transaction. A success's checkpoint is copied aside before it (a
 * side folder no reader looks at) and becomes the phase's copies after the commit; it is removed
 * when the transaction fails or does not record it. A failure's archive and error report, and a
 * loop's context, are recorded as {@link WorkspaceStep}s and carried out after the commit. So a
 * transaction that rolls back leaves the phase's checkpoint copies and the archives as they were,
 * and a runner that dies after the commit carries the steps out before the execution's next attempt
 * runs and at the next start ({@link PendingWorkspaceChanges}).
 */
@Service
public class SettleAttempt {

  private static final Logger log = LoggerFactory.getLogger(SettleAttempt.class);

  private final Pipelines pipelines;
  private final ExecutionStore store;
  private final CheckpointStore checkpoints;
  private final RunnerEvents events;
  private final TransactionTemplate transaction;
  private final Workspaces workspaces;
  private final WorkspaceSteps steps;
  private final PendingWorkspaceChanges changes;
  private final ExecutionStateFile stateFile;
  private final FailureReports reports;
  private final LoopBack loopBack;
  private final Clock clock;
  private final MeterRegistry meters;

  public SettleAttempt(
      Pipelines pipelines,
      ExecutionStore store,
      CheckpointStore checkpoints,
      RunnerEvents events,
      TransactionTemplate transaction,
      Workspaces workspaces,
      WorkspaceSteps steps,
      PendingWorkspaceChanges changes,
      ExecutionStateFile stateFile,
      JsonMapper json,
      Clock clock,
      MeterRegistry meters) {
    this.pipelines = pipelines;
    this.store = store;
    this.checkpoints = checkpoints;
    this.events = events;
    this.transaction = transaction;
    this.workspaces = workspaces;
    this.steps = steps;
    this.changes = changes;
    this.stateFile = stateFile;
    this.reports = new FailureReports(steps, checkpoints, json, clock);
    this.loopBack = new LoopBack(store, checkpoints, events, steps, reports, json, clock, meters);
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * What a finished attempt led to, for the steps after the commit.
   *
   * @param checkpointed whether its staged checkpoint was recorded (and is installed by a step)
   */
  private record Settled(String next, String description, boolean checkpointed) {

    Settled(String next, String description) {
      this(next, description, false);
    }
  }

  /**
   * Settles the attempt.
   *
   * @return the attempt it queued (the next phase, a loop target), if any
   */
  public Optional<String> settle(Attempt attempt, AttemptOutcome outcome) {
    String executionId = attempt.executionId();
    Execution known = store.execution(executionId).orElseThrow();
    Workspaces.StagedCheckpoint staged =
        outcome.succeeded() ? stageCheckpoint(known, attempt) : null;
    FailureReports.Observed observed = outcome.succeeded() ? null : observe(known, attempt);
    Settled settled;
    try {
      settled = decide(attempt, outcome, staged, observed);
    } catch (RuntimeException e) {
      workspaces.discardStagedCheckpoint(known.workspace(), attempt.attemptId());
      throw e;
    }
    if (!settled.checkpointed()) {
      // a success cancelled meanwhile, or what a runner that died before its commit left
      workspaces.discardStagedCheckpoint(known.workspace(), attempt.attemptId());
    }
    changes.finish(executionId, known.workspace());
    stateFile.write(executionId);
    log.debug("attempt {} settled: {}", attempt.attemptId(), settled.description());
    return Optional.ofNullable(settled.next());
  }

  /** Copies the phase's files aside for its checkpoint, outside the transaction. */
  private Workspaces.StagedCheckpoint stageCheckpoint(Execution execution, Attempt attempt) {
    Phase phase = pipeline(pipelines, execution).phase(attempt.phase()).orElseThrow();
    return workspaces.stageCheckpoint(
        execution.workspace(), attempt.attemptId(), phase.writePaths());
  }

  /**
   * Reads, outside the transaction, what a failed attempt's manifest and digests need from the
   * workspace: the parameters and the fingerprints of its artifacts. Null (and logged) when the
   * workspace cannot be read: the failure is still reported, without digests.
   */
  private FailureReports.Observed observe(Execution execution, Attempt attempt) {
    try {
      Phase phase = pipeline(pipelines, execution).phase(attempt.phase()).orElseThrow();
      return new FailureReports.Observed(
          workspaces.parameters(execution.workspace()),
          workspaces.fingerprints(execution.workspace(), phase.artifactsDir()));
    } catch (RuntimeException e) {
      log.warn(
          "execution {}: could not read the artifacts of phase {} attempt {}; it is reported"
              + " without digests and manifest",
          LogText.escape(execution.executionId()),
          LogText.escape(attempt.phase()),
          attempt.attemptNumber(),
          e);
      return null;
    }
  }

  /** Decides and records what the attempt led to, in one transaction; writes no file. */
  private Settled decide(
      Attempt attempt,
      AttemptOutcome outcome,
      Workspaces.StagedCheckpoint staged,
      FailureReports.Observed observed) {
    String executionId = attempt.executionId();
    return transaction.execute(
        status -> {
          Execution execution = store.lockExecution(executionId).orElseThrow();
          Attempt current = store.attempt(attempt.attemptId()).orElseThrow();
          if (current.status() == AttemptStatus.CANCELLING) {
            store.finishAttempt(attempt.attemptId(), AttemptStatus.CANCELLED);
            return new Settled(null, "cancelled");
          }
          if (current.status() != AttemptStatus.RUNNING) {
            return new Settled(null, "already settled (" + current.status() + ")");
          }
          Pipeline pipeline = pipeline(pipelines, execution);
          Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
          if (outcome.succeeded()) {
            return succeed(execution, pipeline, phase, current, outcome, staged);
          }
          if (phase.loop() != null) {
            int used = checkpoints.loopIterations(executionId, phase.name());
            LoopDecision decision = phase.loop().decide(outcome, used);
            if (decision instanceof LoopDecision.GoBack back) {
              String next =
                  loopBack.loopBack(execution, pipeline, phase, current, outcome, back, observed);
              return new Settled(next, "loop back to " + back.target());
            }
            if (decision instanceof LoopDecision.Exhausted exhausted) {
              meters
                  .counter(
                      "redrive.runner.loops.exhausted",
                      "pipeline",
                      pipeline.name(),
                      "phase",
                      phase.name())
                  .increment();
              return fail(
                  execution,
                  pipeline,
                  phase,
                  current,
                  outcome,
                  LoopState.exhausted(exhausted),
                  observed);
            }
          }
          return fail(execution, pipeline, phase, current, outcome, null, observed);
        });
  }

  private Settled succeed(
      Execution execution,
      Pipeline pipeline,
      Phase phase,
      Attempt attempt,
      AttemptOutcome outcome,
      Workspaces.StagedCheckpoint staged) {
    Map<String, FileFingerprint> manifest = staged.manifest();
    steps.add(
        execution.executionId(),
        new WorkspaceStep.InstallCheckpoint(phase.name(), staged.folder()));
    checkpoints.recordCheckpoint(
        Ids.newId("cp_"), execution.executionId(), phase.name(), attempt.attemptId(), manifest);
    Map<String, String> checkpoint = new TreeMap<>();
    manifest.forEach((path, fingerprint) -> checkpoint.put(path, fingerprint.sha256()));
    store.finishAttempt(attempt.attemptId(), AttemptStatus.SUCCEEDED);
    events.attemptSucceeded(pipeline.name(), attempt, outcome, checkpoint);
    meters
        .counter("redrive.runner.checkpoints", "pipeline", pipeline.name(), "phase", phase.name())
        .increment();
    log.info(
        "execution {}: phase {} attempt {} succeeded; checkpoint of {} file(s)",
        execution.executionId(),
        phase.name(),
        attempt.attemptNumber(),
        manifest.size());
    Phase next = pipeline.after(phase.name()).orElse(null);
    if (next == null) {
      store.updateExecution(execution.executionId(), ExecutionStatus.SUCCEEDED, phase.name());
      long duration =
          execution.createdAt() == null
              ? 0
              : Math.max(0, Duration.between(execution.createdAt(), clock.instant()).toMillis());
      events.executionSucceeded(execution.executionId(), pipeline.name(), duration);
      log.info("execution {} of pipeline {} succeeded", execution.executionId(), pipeline.name());
      return new Settled(null, "execution succeeded", true);
    }
    Attempt queued =
        Attempt.queued(
            Ids.newId("att_"),
            execution.executionId(),
            next.name(),
            NextAttempt.of(next, store.phaseHistory(execution.executionId(), next.name())),
            null,
            null,
            null,
            AttemptOrigin.CHAIN,
            null);
    store.queueAttempt(queued);
    store.updateExecution(execution.executionId(), ExecutionStatus.RUNNING, next.name());
    return new Settled(queued.attemptId(), "next phase " + next.name(), true);
  }

  /**
   * Reports the failure for the coordinator to decide.
   *
   * @param loop the state of the phase's loop when its check failed with no iterations left, or
   *     null
   */
  private Settled fail(
      Execution execution,
      Pipeline pipeline,
      Phase phase,
      Attempt attempt,
      AttemptOutcome failed,
      LoopState loop,
      FailureReports.Observed observed) {
    AttemptOutcome outcome =
        failed.withAttributes(Map.of(AttemptOutcome.ATTEMPT_ORIGIN, attempt.origin().name()));
    FailureReports.Reported reported = reports.report(pipeline, phase, attempt, outcome, observed);
    store.finishAttempt(
        attempt.attemptId(), AttemptStatus.FAILED, outcome.failureType(), outcome.message());
    store.updateExecution(execution.executionId(), ExecutionStatus.HALTED, phase.name());
    events.attemptFailed(
        pipeline.name(),
        attempt,
        outcome,
        phase.retryPolicy(),
        loop,
        reported.archive(),
        reported.text(),
        reported.digests());
    String missingFrom = outcome.attributes().get(AttemptOutcome.MISSING_OUTPUT_PHASE);
    if (outcome.failureType() == FailureType.MISSING_OUTPUT
        && outcome.hard()
        && missingFrom != null) {
      events.executionHalted(
          execution.executionId(),
          pipeline.name(),
          phase.name(),
          "CHAIN HALTED at %s: %s".formatted(phase.name(), outcome.message()));
      meters
          .counter("redrive.runner.halts", "pipeline", pipeline.name(), "phase", phase.name())
          .increment();
      log.warn(
          "execution {}: chain halted before phase {}: {}",
          execution.executionId(),
          phase.name(),
          LogText.escape(outcome.message()));
    }
    if (outcome.failureType() == FailureType.UNAUTHORIZED_WRITE) {
      String files = outcome.attributes().getOrDefault(AttemptOutcome.UNTRUSTED_FILES, "");
      meters
          .counter(
              "redrive.runner.untrusted.writes", "pipeline", pipeline.name(), "phase", phase.name())
          .increment(files.isEmpty() ? 0 : files.split(",").length);
      log.warn(
          "execution {}: phase {} wrote outside its allowed paths; quarantined in {}: {}",
          execution.executionId(),
          phase.name(),
          outcome.attributes().get(AttemptOutcome.UNTRUSTED_LOCATION),
          LogText.escape(files));
    }
    log.warn(
        "execution {}: phase {} {} failed: {} {}",
        execution.executionId(),
        phase.name(),
        attempt.describe(),
        outcome.failureType(),
        LogText.escape(outcome.message()));
    return new Settled(null, "failed");
  }

  /** The execution's pipeline; the worker cannot go on when its definition is gone. */
  static Pipeline pipeline(Pipelines pipelines, Execution execution) {
    return pipelines
        .find(execution.pipeline())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "execution %s uses pipeline %s, which is no longer defined"
                        .formatted(execution.executionId(), execution.pipeline())));
  }
}
