package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Guidance;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.persistence.RunnerStore;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import dev.redrive.runner.persistence.RunnerStore.CheckpointRow;
import dev.redrive.runner.persistence.RunnerStore.ExecutionRow;
import dev.redrive.runner.persistence.RunnerStore.RollbackRow;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * What people and the coordinator can ask of the runner: start an execution (possibly as a
 * resubmission of another), retry a phase, roll back to a phase (or resume), cancel. Each request
 * is one transaction with its processed-command entry, its state change and its events; the phases
 * themselves run on the {@link AttemptWorker}'s pool, so a caller (a Kafka listener) never waits
 * for one.
 */
public class ExecutionService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExecutionService.class);
  private static final Pattern EXECUTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final PipelineCatalog catalog;
  private final RunnerStore store;
  private final RunnerEvents events;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final AttemptWorker worker;
  private final StateFile stateFile;
  private final ExecutionViews views;
  private final JsonMapper json;
  private final Path workspaceRoot;
  private final Clock clock;
  private final MeterRegistry meters;

  public ExecutionService(
      PipelineCatalog catalog,
      RunnerStore store,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      AttemptWorker worker,
      StateFile stateFile,
      ExecutionViews views,
      JsonMapper json,
      Path workspaceRoot,
      Clock clock,
      MeterRegistry meters) {
    this.catalog = catalog;
    this.store = store;
    this.events = events;
    this.processed = processed;
    this.transaction = transaction;
    this.worker = worker;
    this.stateFile = stateFile;
    this.views = views;
    this.json = json;
    this.workspaceRoot = workspaceRoot;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * A request to start an execution.
   *
   * @param inputFiles files for {@code input/}, by name relative to it
   * @param executionId the id the execution must get, or null for a new one
   * @param commandId idempotency key (the command's), or null
   * @param resubmitOf copy this execution's {@code input/} first (retry as a new execution)
   */
  public record StartRequest(
      String pipeline,
      Map<String, String> parameters,
      Map<String, byte[]> inputFiles,
      String executionId,
      String commandId,
      String resubmitOf,
      String requestedBy) {

    public StartRequest {
      parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
      inputFiles = inputFiles == null ? Map.of() : Map.copyOf(inputFiles);
    }
  }

  /**
   * Starts a new execution of the pipeline and returns its id.
   *
   * @throws UnknownPipelineException when no pipeline has that name
   */
  public String start(String pipelineName, Map<String, String> parameters) {
    return start(new StartRequest(pipelineName, parameters, Map.of(), null, null, null, null));
  }

  /**
   * Starts an execution; returns its id, or null when the command was handled before (nothing is
   * done twice).
   *
   * @throws UnknownPipelineException when no pipeline has that name
   * @throws UnknownExecutionException when {@code resubmitOf} names an unknown execution
   * @throws InvalidStartException when an id, a file name or a declared input is wrong
   * @throws ExecutionConflictException when an execution with that id exists already
   */
  public String start(StartRequest request) {
    Pipeline pipeline =
        catalog
            .find(request.pipeline())
            .orElseThrow(() -> new UnknownPipelineException(request.pipeline(), catalog));
    String executionId =
        request.executionId() != null
            ? requireSafeId(request.executionId())
            : "exec_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, String> inputFiles = new LinkedHashMap<>();
    request.inputFiles().keySet().forEach(name -> inputFiles.put(name, inputPath(name)));
    ExecutionRow original =
        request.resubmitOf() == null
            ? null
            : store
                .execution(request.resubmitOf())
                .orElseThrow(
                    () ->
                        new UnknownExecutionException(
                            "cannot resubmit execution %s: this runner does not know it"
                                .formatted(request.resubmitOf())));
    Workspace workspace = new Workspace(workspaceRoot.resolve(executionId).toAbsolutePath());
    AtomicBoolean created = new AtomicBoolean();
    AttemptRow first;
    try {
      first =
          transaction.execute(
              status -> {
                if (request.commandId() != null && !processed.firstDelivery(request.commandId())) {
                  return null;
                }
                return create(
                    pipeline, executionId, workspace, original, request, inputFiles, created);
              });
    } catch (RuntimeException e) {
      if (created.get()) {
        workspace.delete();
      }
      throw e;
    }
    if (first == null) {
      log.info("start command {} was already handled", LogText.escape(request.commandId()));
      return null;
    }
    meters
        .counter(
            "redrive.runner.executions.started",
            "pipeline",
            pipeline.name(),
            "kind",
            original == null ? "new" : "resubmit")
        .increment();
    log.info(
        "execution {} of pipeline {} started{}",
        executionId,
        pipeline.name(),
        original == null ? "" : " as a resubmission of " + original.executionId());
    stateFile.write(executionId);
    worker.submit(first.attemptId());
    return executionId;
  }

  /** Records the execution, fills its workspace and queues its first phase (in the transaction). */
  private AttemptRow create(
      Pipeline pipeline,
      String executionId,
      Workspace workspace,
      ExecutionRow original,
      StartRequest request,
      Map<String, String> inputFiles,
      AtomicBoolean created) {
    if (!store.createExecution(
        executionId,
        pipeline.name(),
        workspace.root().toString(),
        request.resubmitOf(),
        request.requestedBy())) {
      throw new ExecutionConflictException("execution %s exists already".formatted(executionId));
    }
    workspace.delete();
    Workspace.create(workspaceRoot, executionId);
    created.set(true);
    Map<String, String> parameters = new LinkedHashMap<>();
    if (original != null) {
      Workspace from = new Workspace(Path.of(original.workspace()));
      workspace.copyInputFrom(from);
      parameters.putAll(from.parameters());
    }
    parameters.putAll(request.parameters());
    List<String> missing = pipeline.missingInputs(parameters);
    if (!missing.isEmpty()) {
      throw new InvalidStartException(
          "pipeline %s needs the inputs %s, which were not given"
              .formatted(pipeline.name(), missing));
    }
    workspace.writeParameters(parameters);
    request.inputFiles().forEach((name, content) -> workspace.write(inputFiles.get(name), content));
    Map<String, FileFingerprint> inputs =
        Checkpoints.record(workspace, Checkpoints.INPUT, Checkpoints.inputScope());
    store.recordCheckpoint(
        AttemptWorker.newId("cp_"), executionId, Checkpoints.INPUT, null, inputs);
    Phase phase = pipeline.phases().get(0);
    AttemptRow attempt =
        AttemptRow.queued(
            AttemptWorker.newId("att_"),
            executionId,
            phase.name(),
            1,
            worker.maxAttemptsFor(phase, 1),
            null,
            null,
            null,
            "CHAIN",
            null);
    store.queueAttempt(attempt);
    events.executionStarted(executionId, pipeline, parameters);
    return attempt;
  }

  /**
   * Queues the attempt a retry command asks for, with its context written to the workspace.
   * Duplicate commands (same command id) run nothing twice.
   */
  public void retry(String executionId, String phaseName, RetryInstructions retry) {
    ExecutionRow known =
        store
            .execution(executionId)
            .orElseThrow(
                () ->
                    new UnknownExecutionException(
                        "RetryCommand %s names execution %s, which this runner does not know"
                            .formatted(retry.commandId(), executionId)));
    Pipeline pipeline = pipeline(known);
    if (pipeline.phase(phaseName).isEmpty()) {
      throw new UnknownPhaseException(
          "RetryCommand %s names phase '%s'; pipeline %s has %s"
              .formatted(retry.commandId(), phaseName, pipeline.name(), pipeline.phaseNames()),
          pipeline.phaseNames());
    }
    Workspace workspace = new Workspace(Path.of(known.workspace()));
    String contextFile =
        ".redrive/context-%s-attempt-%d.json".formatted(phaseName, retry.attemptNumber());
    AttemptRow attempt =
        AttemptRow.queued(
            AttemptWorker.newId("att_"),
            executionId,
            phaseName,
            retry.attemptNumber(),
            retry.maxAttempts(),
            retry.commandId(),
            contextFile,
            retry.previousError(),
            "RETRY",
            null);
    Boolean queued =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(retry.commandId())) {
                return false;
              }
              ExecutionRow execution = store.lockExecution(executionId).orElseThrow();
              requireNotCancelled(execution, "RetryCommand " + retry.commandId());
              requireIdle(execution, "RetryCommand " + retry.commandId());
              workspace.write(contextFile, retry.contextJson());
              store.queueAttempt(attempt);
              store.updateExecution(executionId, "RUNNING", phaseName);
              return true;
            });
    if (!Boolean.TRUE.equals(queued)) {
      log.info("retry command {} was already handled", LogText.escape(retry.commandId()));
      return;
    }
    log.info(
        "execution {}: retrying phase {} as attempt {}/{} (command {})",
        executionId,
        phaseName,
        retry.attemptNumber(),
        retry.maxAttempts(),
        retry.commandId());
    stateFile.write(executionId);
    worker.submit(attempt.attemptId());
  }

  /**
   * A request to go back to a phase: restore its inputs to their checkpoints, archive what it and
   * every later phase produced, and run it again.
   *
   * @param toPhase the phase, or null to resume at the first phase that is not complete
   * @param note a person's note for the phase ({@code REDRIVE_NOTE} and the context file)
   * @param commandId idempotency key
   */
  public record RollbackRequest(
      String executionId, String toPhase, String note, String requestedBy, String commandId) {}

  /** What a rollback did; {@code repeated} when the command had been handled before. */
  public record RollbackResult(RollbackRow rollback, int attemptNumber, boolean repeated) {}

  /**
   * Rolls back to a phase (a Rollback command, or a resume). Duplicate commands change nothing and
   * answer what the first one did.
   *
   * @throws UnknownExecutionException when the execution is unknown
   * @throws UnknownPhaseException when the phase is not one of the pipeline's
   * @throws ExecutionConflictException when a phase of the execution is running, or nothing is left
   *     to resume
   */
  public RollbackResult rollback(RollbackRequest request) {
    ExecutionRow known =
        store
            .execution(request.executionId())
            .orElseThrow(
                () ->
                    new UnknownExecutionException(
                        "no execution %s on this runner".formatted(request.executionId())));
    Pipeline pipeline = pipeline(known);
    if (request.toPhase() != null && pipeline.phase(request.toPhase()).isEmpty()) {
      throw new UnknownPhaseException(
          "no phase '%s' in pipeline %s; valid phases: %s"
              .formatted(request.toPhase(), pipeline.name(), pipeline.phaseNames()),
          pipeline.phaseNames());
    }
    RollbackResult result =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(request.commandId())) {
                return store
                    .rollbackByCommand(request.commandId())
                    .map(r -> new RollbackResult(r, 0, true))
                    .orElse(null);
              }
              ExecutionRow execution = store.lockExecution(request.executionId()).orElseThrow();
              return rollBack(execution, pipeline, request);
            });
    if (result == null || result.repeated()) {
      log.info("rollback command {} was already handled", LogText.escape(request.commandId()));
      return result;
    }
    RollbackRow rollback = result.rollback();
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
    stateFile.write(rollback.executionId());
    worker.submit(rollback.attemptId());
    return result;
  }

  private RollbackResult rollBack(
      ExecutionRow execution, Pipeline pipeline, RollbackRequest request) {
    String executionId = execution.executionId();
    List<AttemptRow> active = store.activeAttempts(executionId);
    for (AttemptRow attempt : active) {
      if (!"QUEUED".equals(attempt.status())) {
        throw new ExecutionConflictException(
            "execution %s is running phase %s (attempt %d); cancel it or wait before rolling back"
                .formatted(executionId, attempt.phase(), attempt.attemptNumber()));
      }
    }
    String toPhase = request.toPhase();
    if (toPhase == null) {
      ExecutionView view = views.view(executionId).orElseThrow();
      toPhase = view.resumeFrom();
      if (toPhase == null) {
        throw new ExecutionConflictException(
            "every phase of execution %s is complete; name a phase to run again"
                .formatted(executionId));
      }
    }
    store.cancelQueued(executionId);
    Workspace workspace = new Workspace(Path.of(execution.workspace()));
    Map<String, CheckpointRow> checkpoints = store.activeCheckpoints(executionId);
    String stamp = STAMP.format(clock.instant());
    List<String> cleared = pipeline.fromPhase(toPhase).stream().map(Phase::name).toList();
    List<String> archived = new ArrayList<>();
    for (Phase phase : pipeline.fromPhase(toPhase)) {
      CheckpointRow checkpoint = checkpoints.get(phase.name());
      String archive = "artifacts/_rolled_back/%s/%s/".formatted(phase.name(), stamp);
      if (Checkpoints.archivePhase(
          workspace,
          phase.artifactsDir(),
          checkpoint == null ? Map.of() : checkpoint.files(),
          archive)) {
        archived.add(archive);
      }
      Checkpoints.discard(workspace, phase.name());
    }
    List<String> restored = new ArrayList<>();
    CheckpointRow input = checkpoints.get(Checkpoints.INPUT);
    if (input != null) {
      restored.addAll(Checkpoints.restore(workspace, Checkpoints.INPUT, input.files()));
    }
    for (Phase earlier : pipeline.before(toPhase)) {
      CheckpointRow checkpoint = checkpoints.get(earlier.name());
      if (checkpoint != null) {
        Checkpoints.archiveExtras(
            workspace,
            earlier.writePaths(),
            checkpoint.files(),
            "artifacts/_rolled_back/%s/%s/".formatted(earlier.name(), stamp));
        restored.addAll(Checkpoints.restore(workspace, earlier.name(), checkpoint.files()));
      }
    }
    if (!restored.isEmpty()) {
      log.info("execution {}: restored from checkpoints: {}", executionId, restored);
    }
    store.deactivateCheckpoints(executionId, cleared);
    store.supersede(executionId, cleared);
    store.resetLoops(executionId, cleared);
    Phase phase = pipeline.phase(toPhase).orElseThrow();
    int number = store.maxAttemptNumber(executionId, toPhase) + 1;
    int max = worker.maxAttemptsFor(phase, number);
    List<String> notes =
        request.note() == null || request.note().isBlank() ? List.of() : List.of(request.note());
    ContextJson context =
        new ContextJson(
            request.commandId(),
            executionId,
            toPhase,
            number,
            max,
            List.of(),
            notes,
            Guidance.rollback(toPhase, request.requestedBy(), request.note()),
            false);
    String contextFile = ".redrive/rollback-%s-attempt-%d.json".formatted(toPhase, number);
    workspace.write(contextFile, json.writeValueAsString(context));
    AttemptRow attempt =
        AttemptRow.queued(
            AttemptWorker.newId("att_"),
            executionId,
            toPhase,
            number,
            max,
            request.commandId(),
            contextFile,
            "ROLLBACK: " + (request.note() == null ? "rolled back to " + toPhase : request.note()),
            "ROLLBACK",
            request.note());
    store.queueAttempt(attempt);
    store.updateExecution(executionId, "RUNNING", toPhase);
    RollbackRow rollback =
        new RollbackRow(
            AttemptWorker.newId("rb_"),
            executionId,
            request.commandId(),
            toPhase,
            cleared,
            archived.isEmpty() ? null : String.join(",", archived),
            attempt.attemptId(),
            request.note(),
            request.requestedBy(),
            clock.instant());
    store.recordRollback(rollback);
    events.rolledBack(executionId, pipeline.name(), toPhase, cleared);
    return new RollbackResult(rollback, number, false);
  }

  /**
   * Cancels the execution: queued attempts are dropped, a running phase is stopped (its process
   * group killed), the execution is CANCELLED. Repeated cancels change nothing.
   *
   * @throws UnknownExecutionException when the execution is unknown
   */
  public void cancel(String executionId, String reason, String commandId) {
    if (store.execution(executionId).isEmpty()) {
      throw new UnknownExecutionException(
          "Cancel %s names execution %s, which this runner does not know"
              .formatted(commandId, executionId));
    }
    List<AttemptRow> stopped =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(commandId)) {
                return null;
              }
              ExecutionRow execution = store.lockExecution(executionId).orElseThrow();
              if ("CANCELLED".equals(execution.status())
                  || "SUCCEEDED".equals(execution.status())) {
                log.info(
                    "execution {} is {} already; cancel {} changes nothing",
                    executionId,
                    execution.status(),
                    commandId);
                return null;
              }
              store.cancelQueued(executionId);
              List<AttemptRow> running = store.markCancelling(executionId);
              store.updateExecution(executionId, "CANCELLED", null);
              events.executionCancelled(executionId, execution.pipeline(), reason);
              meters
                  .counter("redrive.runner.cancellations", "pipeline", execution.pipeline())
                  .increment();
              return running;
            });
    if (stopped == null) {
      return;
    }
    log.info(
        "execution {} cancelled ({}); stopping {}",
        LogText.escape(executionId),
        LogText.escape(reason),
        stopped.stream().map(AttemptRow::phase).toList());
    stopped.forEach(a -> worker.stop(a.attemptId()));
    stateFile.write(executionId);
  }

  /**
   * Recovers after a restart: attempts this runner instance left RUNNING are reported as
   * INTERRUPTED (a soft failure the coordinator can retry), attempts left QUEUED are run (by
   * whichever instance claims them first). Attempts RUNNING on other instances are theirs.
   */
  public void recover() {
    worker.recover();
  }

  /** Lets running phases finish (up to the shutdown grace) before the runner stops. */
  @Override
  public void close() {
    worker.close();
  }

  private void requireNotCancelled(ExecutionRow execution, String command) {
    if ("CANCELLED".equals(execution.status())) {
      throw new ExecutionConflictException(
          "%s: execution %s was cancelled; roll it back or resume it to run it again"
              .formatted(command, execution.executionId()));
    }
  }

  private void requireIdle(ExecutionRow execution, String command) {
    List<AttemptRow> active = store.activeAttempts(execution.executionId());
    if (!active.isEmpty()) {
      AttemptRow busy = active.get(0);
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

  private static String requireSafeId(String executionId) {
    if (!EXECUTION_ID.matcher(executionId).matches()) {
      throw new InvalidStartException(
          "execution id '%s' must be 1-128 letters, digits, '.', '_' or '-' (it names a folder)"
              .formatted(executionId));
    }
    return executionId;
  }

  /** The workspace-relative path of an input file; refuses names that leave {@code input/}. */
  static String inputPath(String name) {
    Path relative;
    try {
      relative = Path.of(name).normalize();
    } catch (InvalidPathException e) {
      throw new InvalidStartException("input file name '%s' is not a path".formatted(name));
    }
    if (name.isBlank()
        || relative.isAbsolute()
        || relative.toString().isEmpty()
        || relative.startsWith("..")) {
      throw new InvalidStartException(
          "input file '%s' must stay inside input/ (a relative path without '..')".formatted(name));
    }
    String path = "input/" + relative;
    if (path.equals(Workspace.PARAMETERS)) {
      throw new InvalidStartException(
          "input file name 'parameters.properties' is reserved for the parameters");
    }
    return path;
  }

  private Pipeline pipeline(ExecutionRow execution) {
    return catalog
        .find(execution.pipeline())
        .orElseThrow(
            () ->
                new InvalidEventException(
                    "execution %s uses pipeline %s, which is no longer defined"
                        .formatted(execution.executionId(), execution.pipeline())));
  }
}
