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
    this.stateFile = stateFile;
    this.reports = new FailureReports(workspaces, clock);
    this.loopBack =
        new LoopBack(store, checkpoints, events, workspaces, reports, json, clock, meters);
    this.clock = clock;
    this.meters = meters;
  }

  /** What a finished attempt led to, for the steps after the commit. */
  private record Settled(String next, String description) {}

  /**
   * Settles the attempt.
   *
   * @return the attempt it queued (the next phase, a loop target), if any
   */
  public Optional<String> settle(Attempt attempt, AttemptOutcome outcome) {
    String executionId = attempt.executionId();
    Settled settled =
        transaction.execute(
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
                return succeed(execution, pipeline, phase, current, outcome);
              }
              if (phase.loop() != null) {
                int used = checkpoints.loopIterations(executionId, phase.name());
                LoopDecision decision = phase.loop().decide(outcome, used);
                if (decision instanceof LoopDecision.GoBack back) {
                  String next =
                      loopBack.loopBack(execution, pipeline, phase, current, outcome, back);
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
                      execution, pipeline, phase, current, outcome, LoopState.exhausted(exhausted));
                }
              }
              return fail(execution, pipeline, phase, current, outcome, null);
            });
    stateFile.write(executionId);
    log.debug("attempt {} settled: {}", attempt.attemptId(), settled.description());
    return Optional.ofNullable(settled.next());
  }

  private Settled succeed(
      Execution execution,
      Pipeline pipeline,
      Phase phase,
      Attempt attempt,
      AttemptOutcome outcome) {
    Map<String, FileFingerprint> manifest =
        workspaces.checkpoint(execution.workspace(), phase.name(), phase.writePaths());
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
      return new Settled(null, "execution succeeded");
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
    return new Settled(queued.attemptId(), "next phase " + next.name());
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
      LoopState loop) {
    AttemptOutcome outcome =
        failed.withAttributes(Map.of(AttemptOutcome.ATTEMPT_ORIGIN, attempt.origin().name()));
    FailureReports.Reported reported =
        reports.report(execution.workspace(), phase, attempt, outcome);
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
        reported.text());
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
