package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.NextAttempt;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.PhaseHistory;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts an execution (a REST start or a StartExecution command), possibly as a resubmission of
 * another. Everything is checked before anything is written; the workspace is filled in a staging
 * folder outside the transaction and moved to its place as the transaction's last step, so a start
 * that is refused or rolls back leaves no folder behind.
 */
@Service
public class StartExecution {

  private static final Logger log = LoggerFactory.getLogger(StartExecution.class);
  private static final Pattern EXECUTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Where the parameters live in the workspace; no input file may take this name. */
  static final String PARAMETERS = "input/parameters.properties";

  private final Pipelines pipelines;
  private final ExecutionStore store;
  private final CheckpointStore checkpoints;
  private final RunnerEvents events;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final Workspaces workspaces;
  private final ExecutionStateFile stateFile;
  private final AttemptWorker worker;
  private final MeterRegistry meters;

  public StartExecution(
      Pipelines pipelines,
      ExecutionStore store,
      CheckpointStore checkpoints,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      Workspaces workspaces,
      ExecutionStateFile stateFile,
      AttemptWorker worker,
      MeterRegistry meters) {
    this.pipelines = pipelines;
    this.store = store;
    this.checkpoints = checkpoints;
    this.events = events;
    this.processed = processed;
    this.transaction = transaction;
    this.workspaces = workspaces;
    this.stateFile = stateFile;
    this.worker = worker;
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
        pipelines
            .find(request.pipeline())
            .orElseThrow(() -> new UnknownPipelineException(request.pipeline(), pipelines));
    String executionId =
        request.executionId() != null
            ? requireSafeId(request.executionId())
            : "exec_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, byte[]> inputFiles = new LinkedHashMap<>();
    request.inputFiles().forEach((name, content) -> inputFiles.put(inputPath(name), content));
    Execution original =
        request.resubmitOf() == null
            ? null
            : store
                .execution(request.resubmitOf())
                .orElseThrow(
                    () ->
                        new UnknownExecutionException(
                            "cannot resubmit execution %s: this runner does not know it"
                                .formatted(request.resubmitOf())));
    Map<String, String> parameters = new LinkedHashMap<>();
    if (original != null) {
      parameters.putAll(workspaces.parameters(original.workspace()));
    }
    parameters.putAll(request.parameters());
    List<String> missing = pipeline.missingInputs(parameters);
    if (!missing.isEmpty()) {
      throw new InvalidStartException(
          "pipeline %s needs the inputs %s, which were not given"
              .formatted(pipeline.name(), missing));
    }
    String workspace = workspaces.locate(executionId);
    Workspaces.Staged staged =
        workspaces.stage(
            executionId, original == null ? null : original.workspace(), parameters, inputFiles);
    boolean[] installed = {false};
    Attempt first;
    try {
      first =
          transaction.execute(
              status -> {
                if (request.commandId() != null && !processed.firstDelivery(request.commandId())) {
                  return null;
                }
                Attempt queued =
                    record(pipeline, executionId, workspace, request, parameters, staged);
                workspaces.install(staged, workspace);
                installed[0] = true;
                return queued;
              });
    } catch (RuntimeException e) {
      if (installed[0]) {
        workspaces.delete(workspace);
      }
      throw e;
    } finally {
      if (!installed[0]) {
        workspaces.discard(staged);
      }
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

  /** Records the execution, its input checkpoint and its first attempt (in the transaction). */
  private Attempt record(
      Pipeline pipeline,
      String executionId,
      String workspace,
      StartRequest request,
      Map<String, String> parameters,
      Workspaces.Staged staged) {
    if (!store.createExecution(
        executionId, pipeline.name(), workspace, request.resubmitOf(), request.requestedBy())) {
      throw new ExecutionConflictException("execution %s exists already".formatted(executionId));
    }
    checkpoints.recordCheckpoint(
        Ids.newId("cp_"), executionId, Checkpoint.INPUT, null, staged.input());
    Phase phase = pipeline.phases().get(0);
    Attempt attempt =
        Attempt.queued(
            Ids.newId("att_"),
            executionId,
            phase.name(),
            NextAttempt.of(phase, PhaseHistory.NONE),
            null,
            null,
            null,
            AttemptOrigin.CHAIN,
            null);
    store.queueAttempt(attempt);
    events.executionStarted(executionId, pipeline, parameters);
    return attempt;
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
    if (path.equals(PARAMETERS)) {
      throw new InvalidStartException(
          "input file name 'parameters.properties' is reserved for the parameters");
    }
    return path;
  }
}
