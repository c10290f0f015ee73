package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.ErrorReport;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.persistence.RunnerStore;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import dev.redrive.runner.persistence.RunnerStore.ExecutionRow;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts executions, runs their phases one attempt at a time on a bounded worker pool, and turns
 * retry commands into new attempts. Every state change and the events that report it commit in one
 * transaction; the phase itself runs outside any transaction.
 */
public class ExecutionService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExecutionService.class);

  private final PipelineCatalog catalog;
  private final PhaseExecutor executor;
  private final RunnerStore store;
  private final RunnerEvents events;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final ExecutorService workers;
  private final Path workspaceRoot;
  private final String runnerInstance;
  private final Duration shutdownGrace;
  private final int firstAttemptMaxAttempts;
  private final Clock clock;
  private final MeterRegistry meters;

  public ExecutionService(
      PipelineCatalog catalog,
      PhaseExecutor executor,
      RunnerStore store,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      ExecutorService workers,
      Path workspaceRoot,
      String runnerInstance,
      Duration shutdownGrace,
      int firstAttemptMaxAttempts,
      Clock clock,
      MeterRegistry meters) {
    this.catalog = catalog;
    this.executor = executor;
    this.store = store;
    this.events = events;
    this.processed = processed;
    this.transaction = transaction;
    this.workers = workers;
    this.workspaceRoot = workspaceRoot;
    this.runnerInstance = runnerInstance;
    this.shutdownGrace = shutdownGrace;
    this.firstAttemptMaxAttempts = firstAttemptMaxAttempts;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Starts a new execution of the pipeline and returns its id.
   *
   * @throws UnknownPipelineException when no pipeline has that name
   */
  public String start(String pipelineName, Map<String, String> parameters) {
    return start(pipelineName, parameters, null);
  }

  /** As {@link #start(String, Map)}, idempotent by {@code commandId} when one is given. */
  public String start(String pipelineName, Map<String, String> parameters, String commandId) {
    Pipeline pipeline =
        catalog
            .find(pipelineName)
            .orElseThrow(() -> new UnknownPipelineException(pipelineName, catalog));
    String executionId = "exec_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Workspace workspace = Workspace.create(workspaceRoot, executionId);
    workspace.write("input/parameters.properties", properties(parameters));
    Phase first = pipeline.phases().get(0);
    AttemptRow attempt =
        new AttemptRow(
            newAttemptId(),
            executionId,
            first.name(),
            1,
            firstAttemptMaxAttempts,
            null,
            null,
            null,
            "QUEUED");
    Boolean started;
    try {
      started =
          transaction.execute(
              status -> {
                if (commandId != null && !processed.firstDelivery(commandId)) {
                  return false;
                }
                store.createExecution(executionId, pipeline.name(), workspace.root().toString());
                store.queueAttempt(attempt);
                events.executionStarted(executionId, pipeline, parameters);
                return true;
              });
    } catch (RuntimeException e) {
      workspace.delete();
      throw e;
    }
    if (!Boolean.TRUE.equals(started)) {
      workspace.delete();
      log.info("start command {} was already handled", commandId);
      return null;
    }
    log.info("execution {} of pipeline {} started", executionId, pipeline.name());
    submit(attempt.attemptId());
    return executionId;
  }

  /**
   * Queues the attempt a retry command asks for, with its context written to the workspace.
   * Duplicate commands (same command id) run nothing twice.
   */
  public void retry(String executionId, String phaseName, RetryInstructions retry) {
    ExecutionRow execution =
        store
            .execution(executionId)
            .orElseThrow(
                () ->
                    new InvalidEventException(
                        "RetryCommand %s names execution %s, which this runner does not know"
                            .formatted(retry.commandId(), executionId)));
    Pipeline pipeline = pipeline(execution);
    if (pipeline.phase(phaseName).isEmpty()) {
      throw new InvalidEventException(
          "RetryCommand %s names phase '%s'; pipeline %s has %s"
              .formatted(retry.commandId(), phaseName, pipeline.name(), pipeline.phaseNames()));
    }
    Workspace workspace = new Workspace(Path.of(execution.workspace()));
    String contextFile =
        ".redrive/context-%s-attempt-%d.json".formatted(phaseName, retry.attemptNumber());
    AttemptRow attempt =
        new AttemptRow(
            newAttemptId(),
            executionId,
            phaseName,
            retry.attemptNumber(),
            retry.maxAttempts(),
            retry.commandId(),
            contextFile,
            retry.previousError(),
            "QUEUED");
    Boolean queued =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(retry.commandId())) {
                return false;
              }
              workspace.write(contextFile, retry.contextJson());
              store.queueAttempt(attempt);
              store.updateExecution(executionId, "RUNNING", phaseName);
              return true;
            });
    if (Boolean.TRUE.equals(queued)) {
      log.info(
          "execution {}: retrying phase {} as attempt {}/{} (command {})",
          executionId,
          phaseName,
          retry.attemptNumber(),
          retry.maxAttempts(),
          retry.commandId());
      submit(attempt.attemptId());
    } else {
      log.info("retry command {} was already handled", retry.commandId());
    }
  }

  /**
   * Recovers after a restart: attempts this runner instance left RUNNING are reported as
   * INTERRUPTED (a soft failure the coordinator can retry), attempts left QUEUED are run (by
   * whichever instance claims them first). Attempts RUNNING on other instances are theirs.
   */
  public void recover() {
    for (AttemptRow attempt : store.runningOn(runnerInstance)) {
      ExecutionRow execution = store.execution(attempt.executionId()).orElseThrow();
      AttemptOutcome interrupted =
          new AttemptOutcome(
              FailureType.INTERRUPTED,
              false,
              "interrupted",
              "the runner stopped while phase %s was running".formatted(attempt.phase()),
              null,
              List.of(),
              "",
              0);
      log.warn(
          "execution {}: phase {} attempt {} was running when the runner stopped; reporting INTERRUPTED",
          attempt.executionId(),
          attempt.phase(),
          attempt.attemptNumber());
      fail(execution, pipeline(execution), attempt, interrupted);
    }
    store.attemptsWithStatus("QUEUED").forEach(a -> submit(a.attemptId()));
  }

  private void submit(String attemptId) {
    workers.execute(() -> runAttempt(attemptId));
  }

  /** Runs one queued attempt; a duplicate submission finds it no longer QUEUED and does nothing. */
  void runAttempt(String attemptId) {
    AttemptRow attempt = store.attempt(attemptId).orElseThrow();
    ExecutionRow execution = store.execution(attempt.executionId()).orElseThrow();
    Pipeline pipeline = pipeline(execution);
    Boolean claimed =
        transaction.execute(
            status -> {
              if (!store.markRunning(attemptId, runnerInstance)) {
                return false;
              }
              store.updateExecution(execution.executionId(), "RUNNING", attempt.phase());
              events.attemptStarted(pipeline.name(), attempt);
              return true;
            });
    if (!Boolean.TRUE.equals(claimed)) {
      return;
    }
    Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
    Workspace workspace = new Workspace(Path.of(execution.workspace()));
    AttemptOutcome outcome =
        executor.run(
            execution.executionId(),
            pipeline,
            phase,
            workspace,
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            retryEnvironment(workspace, attempt));
    if (Thread.currentThread().isInterrupted()) {
      log.warn(
          "attempt {} interrupted by shutdown; it will be reported at the next start", attemptId);
      return;
    }
    Timer.builder("redrive.phase.duration")
        .description("How long phase attempts ran")
        .tags(
            "pipeline",
            pipeline.name(),
            "phase",
            phase.name(),
            "outcome",
            outcome.succeeded() ? "success" : "failure")
        .register(meters)
        .record(Duration.ofMillis(outcome.durationMs()));
    if (outcome.succeeded()) {
      succeed(execution, pipeline, phase, workspace, attempt, outcome);
    } else {
      fail(execution, pipeline, attempt, outcome);
    }
  }

  private void succeed(
      ExecutionRow execution,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      AttemptRow attempt,
      AttemptOutcome outcome) {
    Map<String, String> checkpoint = workspace.checksums(phase);
    AttemptRow next =
        pipeline
            .after(phase.name())
            .map(
                p ->
                    new AttemptRow(
                        newAttemptId(),
                        execution.executionId(),
                        p.name(),
                        1,
                        firstAttemptMaxAttempts,
                        null,
                        null,
                        null,
                        "QUEUED"))
            .orElse(null);
    transaction.executeWithoutResult(
        status -> {
          store.finishAttempt(attempt.attemptId(), "SUCCEEDED");
          events.attemptSucceeded(pipeline.name(), attempt, outcome, checkpoint);
          if (next != null) {
            store.queueAttempt(next);
          } else {
            store.updateExecution(execution.executionId(), "SUCCEEDED", phase.name());
            events.executionSucceeded(execution.executionId(), pipeline.name(), 0);
          }
        });
    log.info(
        "execution {}: phase {} attempt {} succeeded",
        execution.executionId(),
        phase.name(),
        attempt.attemptNumber());
    if (next != null) {
      submit(next.attemptId());
    } else {
      log.info("execution {} of pipeline {} succeeded", execution.executionId(), pipeline.name());
    }
  }

  private void fail(
      ExecutionRow execution, Pipeline pipeline, AttemptRow attempt, AttemptOutcome outcome) {
    Workspace workspace = new Workspace(Path.of(execution.workspace()));
    Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
    String archive = workspace.archiveFailed(phase, attempt.attemptNumber());
    String report =
        ErrorReport.format(
            clock.instant(),
            phase.name(),
            attempt.attemptNumber(),
            attempt.maxAttempts(),
            outcome,
            archive,
            ErrorReport.recommendedAction(phase.name(), outcome));
    workspace.writeErrorReport(archive, report);
    transaction.executeWithoutResult(
        status -> {
          store.finishAttempt(attempt.attemptId(), "FAILED");
          store.updateExecution(execution.executionId(), "FAILED", phase.name());
          events.attemptFailed(pipeline.name(), attempt, outcome, archive, report);
        });
    log.warn(
        "execution {}: phase {} attempt {}/{} failed: {} {}",
        execution.executionId(),
        phase.name(),
        attempt.attemptNumber(),
        attempt.maxAttempts(),
        outcome.failureType(),
        outcome.message());
  }

  /**
   * Lets running phases finish (up to the shutdown grace) before the runner stops; a phase still
   * running after it is interrupted and reported INTERRUPTED at the next start.
   */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("phases still running after {}; interrupting them", shutdownGrace);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, String> retryEnvironment(Workspace workspace, AttemptRow attempt) {
    Map<String, String> env = new LinkedHashMap<>();
    if (attempt.contextFile() != null) {
      env.put("REDRIVE_CONTEXT_FILE", workspace.resolve(attempt.contextFile()).toString());
      env.put(
          "REDRIVE_PREVIOUS_ERROR", attempt.previousError() == null ? "" : attempt.previousError());
    }
    return env;
  }

  private Pipeline pipeline(ExecutionRow execution) {
    return catalog
        .find(execution.pipeline())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "execution %s uses pipeline %s, which is no longer defined"
                        .formatted(execution.executionId(), execution.pipeline())));
  }

  private static String properties(Map<String, String> parameters) {
    StringBuilder text = new StringBuilder();
    parameters.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    return text.toString();
  }

  private static String newAttemptId() {
    return "att_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
