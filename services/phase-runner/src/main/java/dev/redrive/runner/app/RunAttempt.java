package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one queued attempt on a worker thread: claims it (QUEUED to RUNNING on this instance, in a
 * transaction under the execution's lock, with {@code AttemptStarted}), runs the phase outside any
 * transaction, and hands the outcome to {@link SettleAttempt}.
 *
 * <p>The claim writes no file. Before the phase runs, the workspace steps that committed decisions
 * of the execution left pending (its context file, a rollback's moves, an earlier failure's archive
 * when the runner died or the step failed after a commit) are carried out ({@link
 * PendingWorkspaceChanges}); when one still fails the phase does not run and the attempt fails as
 * INFRASTRUCTURE, the step staying pending for the next attempt or the next start.
 */
@Service
public class RunAttempt {

  private static final Logger log = LoggerFactory.getLogger(RunAttempt.class);

  private final Pipelines pipelines;
  private final ExecutionStore store;
  private final RunnerEvents events;
  private final TransactionTemplate transaction;
  private final PhaseRunner phases;
  private final Workspaces workspaces;
  private final PendingWorkspaceChanges changes;
  private final ExecutionStateFile stateFile;
  private final RunningAttempts running;
  private final SettleAttempt settle;
  private final String runnerInstance;
  private final MeterRegistry meters;

  public RunAttempt(
      Pipelines pipelines,
      ExecutionStore store,
      RunnerEvents events,
      TransactionTemplate transaction,
      PhaseRunner phases,
      Workspaces workspaces,
      PendingWorkspaceChanges changes,
      ExecutionStateFile stateFile,
      RunningAttempts running,
      SettleAttempt settle,
      WorkerSettings settings,
      MeterRegistry meters) {
    this.pipelines = pipelines;
    this.store = store;
    this.events = events;
    this.transaction = transaction;
    this.phases = phases;
    this.workspaces = workspaces;
    this.changes = changes;
    this.stateFile = stateFile;
    this.running = running;
    this.settle = settle;
    this.runnerInstance = settings.runnerInstance();
    this.meters = meters;
  }

  /**
   * Runs the attempt; a duplicate submission finds it no longer QUEUED and does nothing.
   *
   * @return the attempt its end queued (the next phase, a loop target), if any
   */
  public Optional<String> run(String attemptId) {
    Attempt attempt = store.attempt(attemptId).orElseThrow();
    Execution execution = store.execution(attempt.executionId()).orElseThrow();
    Pipeline pipeline = SettleAttempt.pipeline(pipelines, execution);
    Boolean claimed =
        transaction.execute(
            status -> {
              Execution locked = store.lockExecution(execution.executionId()).orElseThrow();
              if (locked.status() == ExecutionStatus.CANCELLED
                  || !store.markRunning(attemptId, runnerInstance)) {
                return false;
              }
              store.updateExecution(
                  execution.executionId(), ExecutionStatus.RUNNING, attempt.phase());
              events.attemptStarted(pipeline.name(), attempt);
              return true;
            });
    if (!Boolean.TRUE.equals(claimed)) {
      return Optional.empty();
    }
    stateFile.write(execution.executionId());
    Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
    String workspace = execution.workspace();
    log.info(
        "execution {}: phase {} {} started ({})",
        execution.executionId(),
        phase.name(),
        attempt.describe(),
        attempt.origin());
    PhaseControl control = running.started(attemptId);
    AttemptOutcome outcome;
    try {
      outcome =
          changes.finish(execution.executionId(), workspace)
              ? runPhase(execution, pipeline, phase, attempt, control)
              : workspaceNotReady(phase);
    } catch (RuntimeException e) {
      log.error(
          "execution {}: the runner could not run phase {}",
          execution.executionId(),
          phase.name(),
          e);
      outcome =
          new AttemptOutcome(
              FailureType.INFRASTRUCTURE,
              false,
              "runner error",
              "the runner could not run phase %s: %s".formatted(phase.name(), e.getMessage()),
              null,
              List.of(),
              "",
              0);
    } finally {
      running.ended(attemptId);
    }
    if (Thread.currentThread().isInterrupted()) {
      log.warn(
          "attempt {} interrupted by shutdown; it will be reported at the next start", attemptId);
      return Optional.empty();
    }
    Timer.builder("redrive.phase.duration")
        .description("How long phase attempts ran")
        .publishPercentileHistogram()
        .tags(
            "pipeline",
            pipeline.name(),
            "phase",
            phase.name(),
            "outcome",
            outcome.succeeded() ? "success" : "failure")
        .register(meters)
        .record(Duration.ofMillis(outcome.durationMs()));
    return settle.settle(attempt, outcome);
  }

  private AttemptOutcome runPhase(
      Execution execution, Pipeline pipeline, Phase phase, Attempt attempt, PhaseControl control) {
    String workspace = execution.workspace();
    return phases.run(
        new PhaseRunner.PhaseRun(
            execution.executionId(),
            pipeline,
            phase,
            workspace,
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            attemptEnvironment(workspace, attempt),
            workspaces.parameters(workspace),
            attempt.contextFile() == null
                ? null
                : workspaces.read(workspace, attempt.contextFile()),
            control));
  }

  /** The outcome of an attempt whose workspace could not be brought up to date. */
  private static AttemptOutcome workspaceNotReady(Phase phase) {
    return new AttemptOutcome(
        FailureType.INFRASTRUCTURE,
        false,
        "workspace not ready",
        ("the runner could not bring the workspace up to date before phase %s (see its log);"
                + " it tries again before the next attempt")
            .formatted(phase.name()),
        null,
        List.of(),
        "",
        0);
  }

  private Map<String, String> attemptEnvironment(String workspace, Attempt attempt) {
    Map<String, String> env = new LinkedHashMap<>();
    if (attempt.contextFile() != null) {
      env.put("REDRIVE_CONTEXT_FILE", workspaces.resolve(workspace, attempt.contextFile()));
      env.put(
          "REDRIVE_PREVIOUS_ERROR", attempt.previousError() == null ? "" : attempt.previousError());
    }
    if (attempt.note() != null) {
      env.put("REDRIVE_NOTE", attempt.note());
    }
    return env;
  }
}
