package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.ErrorReport;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Guidance;
import dev.redrive.runner.domain.LoopDecision;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.persistence.RunnerStore;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import dev.redrive.runner.persistence.RunnerStore.ExecutionRow;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs queued attempts on the bounded worker pool and settles how each ended: a checkpoint and the
 * next phase, a failure report, or a loop back to an earlier phase. The phase itself runs outside
 * any transaction; what follows it commits in one transaction that holds the execution's row lock,
 * so a cancel or a rollback never races with it.
 */
public class AttemptWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AttemptWorker.class);

  private final PipelineCatalog catalog;
  private final PhaseExecutor executor;
  private final RunnerStore store;
  private final RunnerEvents events;
  private final TransactionTemplate transaction;
  private final ExecutorService workers;
  private final StateFile stateFile;
  private final JsonMapper json;
  private final Settings settings;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Map<String, PhaseControl> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService stopPoller;

  /**
   * @param runnerInstance this runner; it claims attempts under this name
   * @param firstAttemptMaxAttempts attempt bound shown to an attempt the runner queues itself
   * @param shutdownGrace how long running phases may finish when the runner stops
   * @param stopPollInterval how often to look for cancels of attempts running here that another
   *     runner instance received
   */
  public record Settings(
      String runnerInstance,
      int firstAttemptMaxAttempts,
      Duration shutdownGrace,
      Duration stopPollInterval) {}

  public AttemptWorker(
      PipelineCatalog catalog,
      PhaseExecutor executor,
      RunnerStore store,
      RunnerEvents events,
      TransactionTemplate transaction,
      ExecutorService workers,
      StateFile stateFile,
      JsonMapper json,
      Settings settings,
      Clock clock,
      MeterRegistry meters) {
    this.catalog = catalog;
    this.executor = executor;
    this.store = store;
    this.events = events;
    this.transaction = transaction;
    this.workers = workers;
    this.stateFile = stateFile;
    this.json = json;
    this.settings = settings;
    this.clock = clock;
    this.meters = meters;
    meters.gauge("redrive.runner.phases.running", running, Map::size);
    this.stopPoller =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "phase-stop-poller");
              thread.setDaemon(true);
              return thread;
            });
    long poll = settings.stopPollInterval().toMillis();
    stopPoller.scheduleWithFixedDelay(this::stopCancelled, poll, poll, TimeUnit.MILLISECONDS);
  }

  /** Hands the attempt to the worker pool; the caller (a Kafka listener) returns at once. */
  public void submit(String attemptId) {
    workers.execute(() -> run(attemptId));
  }

  /** Stops the attempt if it runs on this instance (its process group is killed). */
  public void stop(String attemptId) {
    PhaseControl control = running.get(attemptId);
    if (control != null) {
      log.info("stopping attempt {}", attemptId);
      control.stop();
    }
  }

  /** Attempt bound for an attempt the runner queues itself (not a RetryCommand's). */
  int maxAttemptsFor(Phase phase, int attemptNumber) {
    int configured =
        phase.retryPolicy() != null && phase.retryPolicy().maxAttempts() != null
            ? phase.retryPolicy().maxAttempts()
            : settings.firstAttemptMaxAttempts();
    return configured + attemptNumber - 1;
  }

  /** Runs one queued attempt; a duplicate submission finds it no longer QUEUED and does nothing. */
  void run(String attemptId) {
    AttemptRow attempt = store.attempt(attemptId).orElseThrow();
    ExecutionRow execution = store.execution(attempt.executionId()).orElseThrow();
    Pipeline pipeline = pipeline(execution);
    Boolean claimed =
        transaction.execute(
            status -> {
              ExecutionRow locked = store.lockExecution(execution.executionId()).orElseThrow();
              if ("CANCELLED".equals(locked.status())
                  || !store.markRunning(attemptId, settings.runnerInstance())) {
                return false;
              }
              store.updateExecution(execution.executionId(), "RUNNING", attempt.phase());
              events.attemptStarted(pipeline.name(), attempt);
              return true;
            });
    if (!Boolean.TRUE.equals(claimed)) {
      return;
    }
    stateFile.write(execution.executionId());
    Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
    Workspace workspace = new Workspace(Path.of(execution.workspace()));
    log.info(
        "execution {}: phase {} attempt {}/{} started ({})",
        execution.executionId(),
        phase.name(),
        attempt.attemptNumber(),
        attempt.maxAttempts(),
        attempt.origin());
    PhaseControl control = new PhaseControl();
    running.put(attemptId, control);
    AttemptOutcome outcome;
    try {
      outcome =
          executor.run(
              new PhaseExecutor.Request(
                  execution.executionId(),
                  pipeline,
                  phase,
                  workspace,
                  attempt.attemptNumber(),
                  attempt.maxAttempts(),
                  attemptEnvironment(workspace, attempt),
                  workspace.parameters(),
                  contextJson(workspace, attempt),
                  control));
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
      running.remove(attemptId);
    }
    if (Thread.currentThread().isInterrupted()) {
      log.warn(
          "attempt {} interrupted by shutdown; it will be reported at the next start", attemptId);
      return;
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
    finish(attempt, outcome);
  }

  /** What a finished attempt led to, for the steps after the commit. */
  private record Settled(String next, String description) {}

  /**
   * Settles a finished attempt in one transaction under the execution's row lock. An attempt
   * cancelled meanwhile is only marked CANCELLED; one no longer RUNNING is left alone.
   */
  void finish(AttemptRow attempt, AttemptOutcome outcome) {
    String executionId = attempt.executionId();
    Settled settled =
        transaction.execute(
            status -> {
              ExecutionRow execution = store.lockExecution(executionId).orElseThrow();
              AttemptRow current = store.attempt(attempt.attemptId()).orElseThrow();
              if (AttemptStatus.CANCELLING.name().equals(current.status())) {
                store.finishAttempt(attempt.attemptId(), AttemptStatus.CANCELLED.name());
                return new Settled(null, "cancelled");
              }
              if (!AttemptStatus.RUNNING.name().equals(current.status())) {
                return new Settled(null, "already settled (" + current.status() + ")");
              }
              Pipeline pipeline = pipeline(execution);
              Phase phase = pipeline.phase(attempt.phase()).orElseThrow();
              Workspace workspace = new Workspace(Path.of(execution.workspace()));
              if (outcome.succeeded()) {
                return succeed(execution, pipeline, phase, workspace, current, outcome);
              }
              if (phase.loop() != null) {
                int used = store.loopIterations(executionId, phase.name());
                LoopDecision decision = phase.loop().decide(outcome, used);
                if (decision instanceof LoopDecision.GoBack back) {
                  return loopBack(execution, pipeline, phase, workspace, current, outcome, back);
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
                      workspace,
                      current,
                      outcome.withAttributes(
                          Map.of(
                              AttemptOutcome.LOOP_TARGET,
                              exhausted.target(),
                              AttemptOutcome.LOOP_ITERATIONS,
                              Integer.toString(exhausted.iterations()),
                              AttemptOutcome.LOOP_MAX_ITERATIONS,
                              Integer.toString(exhausted.max()),
                              AttemptOutcome.LOOP_EXHAUSTED,
                              "true")));
                }
              }
              return fail(execution, pipeline, phase, workspace, current, outcome);
            });
    stateFile.write(executionId);
    log.debug("attempt {} settled: {}", attempt.attemptId(), settled.description());
    if (settled.next() != null) {
      submit(settled.next());
    }
  }

  private Settled succeed(
      ExecutionRow execution,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      AttemptRow attempt,
      AttemptOutcome outcome) {
    Map<String, FileFingerprint> manifest =
        Checkpoints.record(workspace, phase.name(), phase.writePaths());
    store.recordCheckpoint(
        newId("cp_"), execution.executionId(), phase.name(), attempt.attemptId(), manifest);
    Map<String, String> checkpoint = new TreeMap<>();
    manifest.forEach((path, fingerprint) -> checkpoint.put(path, fingerprint.sha256()));
    store.finishAttempt(attempt.attemptId(), AttemptStatus.SUCCEEDED.name());
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
      store.updateExecution(execution.executionId(), "SUCCEEDED", phase.name());
      long duration =
          execution.createdAt() == null
              ? 0
              : Math.max(0, Duration.between(execution.createdAt(), clock.instant()).toMillis());
      events.executionSucceeded(execution.executionId(), pipeline.name(), duration);
      log.info("execution {} of pipeline {} succeeded", execution.executionId(), pipeline.name());
      return new Settled(null, "execution succeeded");
    }
    int number = store.maxAttemptNumber(execution.executionId(), next.name()) + 1;
    AttemptRow queued =
        AttemptRow.queued(
            newId("att_"),
            execution.executionId(),
            next.name(),
            number,
            maxAttemptsFor(next, number),
            null,
            null,
            null,
            "CHAIN",
            null);
    store.queueAttempt(queued);
    store.updateExecution(execution.executionId(), "RUNNING", next.name());
    return new Settled(queued.attemptId(), "next phase " + next.name());
  }

  private Settled fail(
      ExecutionRow execution,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      AttemptRow attempt,
      AttemptOutcome failed) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (phase.retryPolicy() != null) {
      attributes.putAll(phase.retryPolicy().attributes());
    }
    attributes.put(AttemptOutcome.ATTEMPT_ORIGIN, attempt.origin());
    AttemptOutcome outcome = failed.withAttributes(attributes);
    Reported reported = report(workspace, phase, attempt, outcome);
    store.finishAttempt(
        attempt.attemptId(),
        AttemptStatus.FAILED.name(),
        outcome.failureType().name(),
        outcome.message());
    store.updateExecution(execution.executionId(), "FAILED", phase.name());
    events.attemptFailed(pipeline.name(), attempt, outcome, reported.archive(), reported.text());
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
        "execution {}: phase {} attempt {}/{} failed: {} {}",
        execution.executionId(),
        phase.name(),
        attempt.attemptNumber(),
        attempt.maxAttempts(),
        outcome.failureType(),
        LogText.escape(outcome.message()));
    return new Settled(null, "failed");
  }

  private Settled loopBack(
      ExecutionRow execution,
      Pipeline pipeline,
      Phase phase,
      Workspace workspace,
      AttemptRow attempt,
      AttemptOutcome outcome,
      LoopDecision.GoBack back) {
    String executionId = execution.executionId();
    int iteration = store.countLoopIteration(executionId, phase.name(), back.target());
    Reported reported = report(workspace, phase, attempt, outcome);
    String archive = reported.archive();
    store.finishAttempt(
        attempt.attemptId(),
        AttemptStatus.LOOPED.name(),
        outcome.failureType().name(),
        outcome.message());
    Phase target = pipeline.phase(back.target()).orElseThrow();
    int number = store.maxAttemptNumber(executionId, target.name()) + 1;
    int max = maxAttemptsFor(target, number);
    LoopDecision.GoBack counted =
        new LoopDecision.GoBack(back.target(), iteration, back.max(), back.check());
    ContextJson context =
        new ContextJson(
            null,
            executionId,
            target.name(),
            number,
            max,
            List.of(
                new ContextJson.Prior(
                    attempt.attemptId(),
                    attempt.attemptNumber(),
                    outcome.failureType().name(),
                    outcome.errorType(),
                    "phase %s: %s".formatted(phase.name(), outcome.message()),
                    outcome.exitCode(),
                    outcome.checks().stream()
                        .filter(c -> !c.passed())
                        .map(AttemptWorker::check)
                        .toList(),
                    outcome.durationMs(),
                    archive,
                    clock.instant().toString())),
            List.of(),
            Guidance.loop(phase.name(), target.name(), counted),
            false);
    String contextFile = ".redrive/loop-%s-attempt-%d.json".formatted(target.name(), number);
    workspace.write(contextFile, json.writeValueAsString(context));
    AttemptRow queued =
        AttemptRow.queued(
            newId("att_"),
            executionId,
            target.name(),
            number,
            max,
            null,
            contextFile,
            "EXIT_CRITERIA_NOT_MET: check '%s' of phase %s failed"
                .formatted(back.check().name(), phase.name()),
            "LOOP",
            null);
    store.queueAttempt(queued);
    store.updateExecution(executionId, "RUNNING", target.name());
    // the failed check is reported like any failure, marked as handled by the loop, so that the
    // coordinator and the audit see it without the coordinator retrying it
    events.attemptFailed(
        pipeline.name(),
        attempt,
        outcome.withAttributes(
            Map.of(
                AttemptOutcome.LOOP_TARGET,
                target.name(),
                AttemptOutcome.LOOP_ITERATIONS,
                Integer.toString(iteration),
                AttemptOutcome.LOOP_MAX_ITERATIONS,
                Integer.toString(back.max()))),
        archive,
        reported.text());
    events.rolledBack(executionId, pipeline.name(), target.name(), List.of());
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
        back.check().name(),
        phase.name(),
        target.name(),
        iteration,
        back.max());
    return new Settled(queued.attemptId(), "loop back to " + target.name());
  }

  /** Where a failed attempt's artifacts went, and its error report. */
  private record Reported(String archive, String text) {}

  /** Archives the attempt's artifacts and writes its error report. */
  private Reported report(
      Workspace workspace, Phase phase, AttemptRow attempt, AttemptOutcome outcome) {
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
    return new Reported(archive, report);
  }

  /** Settles attempts this instance left behind when it stopped. */
  void recover() {
    for (AttemptRow attempt : store.withStatusOn("CANCELLING", settings.runnerInstance())) {
      transaction.executeWithoutResult(
          status -> store.finishAttempt(attempt.attemptId(), AttemptStatus.CANCELLED.name()));
      stateFile.write(attempt.executionId());
    }
    for (AttemptRow attempt : store.runningOn(settings.runnerInstance())) {
      log.warn(
          "execution {}: phase {} attempt {} was running when the runner stopped; reporting INTERRUPTED",
          attempt.executionId(),
          attempt.phase(),
          attempt.attemptNumber());
      finish(
          attempt,
          new AttemptOutcome(
              FailureType.INTERRUPTED,
              false,
              "interrupted",
              "the runner stopped while phase %s was running".formatted(attempt.phase()),
              null,
              List.of(),
              "",
              0));
    }
    store.attemptsWithStatus("QUEUED").forEach(a -> submit(a.attemptId()));
  }

  /** Stops attempts running here whose cancel another runner instance received. */
  private void stopCancelled() {
    if (running.isEmpty()) {
      return;
    }
    store.cancelling(running.keySet()).forEach(this::stop);
  }

  /**
   * Lets running phases finish (up to the shutdown grace) before the runner stops; a phase still
   * running after it is interrupted and reported INTERRUPTED at the next start.
   */
  @Override
  public void close() {
    stopPoller.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("phases still running after {}; interrupting them", settings.shutdownGrace());
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, String> attemptEnvironment(Workspace workspace, AttemptRow attempt) {
    Map<String, String> env = new LinkedHashMap<>();
    if (attempt.contextFile() != null) {
      env.put("REDRIVE_CONTEXT_FILE", workspace.resolve(attempt.contextFile()).toString());
      env.put(
          "REDRIVE_PREVIOUS_ERROR", attempt.previousError() == null ? "" : attempt.previousError());
    }
    if (attempt.note() != null) {
      env.put("REDRIVE_NOTE", attempt.note());
    }
    return env;
  }

  private static String contextJson(Workspace workspace, AttemptRow attempt) {
    if (attempt.contextFile() == null) {
      return null;
    }
    Path file = workspace.resolve(attempt.contextFile());
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the context " + file, e);
    }
  }

  private static ContextJson.Check check(CheckResult check) {
    return new ContextJson.Check(check.name(), check.passed(), check.outputExcerpt());
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

  static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
