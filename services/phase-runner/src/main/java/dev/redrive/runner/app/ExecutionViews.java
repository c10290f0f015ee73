package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.PhaseStatus;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.persistence.RunnerStore;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import dev.redrive.runner.persistence.RunnerStore.CheckpointRow;
import dev.redrive.runner.persistence.RunnerStore.ExecutionRow;
import dev.redrive.runner.persistence.RunnerStore.LoopRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Builds the {@link ExecutionView} of an execution from the runner's tables. */
public class ExecutionViews {

  private final RunnerStore store;
  private final PipelineCatalog catalog;

  public ExecutionViews(RunnerStore store, PipelineCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  public Optional<ExecutionView> view(String executionId) {
    return store.execution(executionId).map(this::view);
  }

  private ExecutionView view(ExecutionRow execution) {
    String executionId = execution.executionId();
    List<AttemptRow> attempts = store.attempts(executionId);
    Map<String, CheckpointRow> checkpoints = store.activeCheckpoints(executionId);
    Map<String, LoopRow> loops =
        store.loops(executionId).stream()
            .collect(Collectors.toMap(LoopRow::phase, l -> l, (a, b) -> b, LinkedHashMap::new));
    List<String> phaseNames = new ArrayList<>();
    List<ExecutionView.PhaseView> phases = new ArrayList<>();
    Map<String, PhaseStatus> statuses = new LinkedHashMap<>();
    Pipeline pipeline = catalog.find(execution.pipeline()).orElse(null);
    List<String> names =
        pipeline != null
            ? pipeline.phaseNames()
            : attempts.stream().map(AttemptRow::phase).distinct().toList();
    for (String name : names) {
      List<AttemptRow> current =
          attempts.stream().filter(a -> a.phase().equals(name) && !a.superseded()).toList();
      AttemptRow latest = current.isEmpty() ? null : current.get(current.size() - 1);
      CheckpointRow checkpoint = checkpoints.get(name);
      PhaseStatus status = status(latest, checkpoint);
      statuses.put(name, status);
      phaseNames.add(name);
      phases.add(
          new ExecutionView.PhaseView(
              name,
              status,
              current.size(),
              latest == null
                  ? null
                  : new ExecutionView.LastAttempt(
                      latest.attemptId(),
                      latest.attemptNumber(),
                      latest.status(),
                      latest.origin(),
                      latest.failureType(),
                      latest.errorMessage()),
              checkpoint == null
                  ? null
                  : new ExecutionView.Checkpoint(
                      checkpoint.attemptId(), checkpoint.createdAt(), sums(checkpoint)),
              loop(pipeline, name, loops.get(name))));
    }
    return new ExecutionView(
        execution,
        phases,
        PhaseStatus.resumePoint(phaseNames, statuses).orElse(null),
        lastError(execution, attempts),
        attempts,
        store.rollbacks(executionId));
  }

  /**
   * A phase is complete when its latest attempt produced its active checkpoint; a checkpoint that
   * an older attempt produced still serves rollbacks but does not make a re-run phase complete.
   */
  static PhaseStatus status(AttemptRow latest, CheckpointRow checkpoint) {
    if (latest == null) {
      return PhaseStatus.PENDING;
    }
    boolean checkpointed = checkpoint != null && latest.attemptId().equals(checkpoint.attemptId());
    return PhaseStatus.of(AttemptStatus.valueOf(latest.status()), checkpointed);
  }

  private static ExecutionView.Loop loop(Pipeline pipeline, String phaseName, LoopRow used) {
    if (pipeline == null) {
      return null;
    }
    Phase phase = pipeline.phase(phaseName).orElse(null);
    if (phase == null || phase.loop() == null) {
      return null;
    }
    return new ExecutionView.Loop(
        phase.loop().onCheck(),
        phase.loop().goTo(),
        used == null ? 0 : used.iterations(),
        phase.loop().maxIterations());
  }

  private static String lastError(ExecutionRow execution, List<AttemptRow> attempts) {
    if (!"FAILED".equals(execution.status())) {
      return null;
    }
    for (int i = attempts.size() - 1; i >= 0; i--) {
      AttemptRow attempt = attempts.get(i);
      if (attempt.failureType() != null) {
        return attempt.failureType() + ": " + attempt.errorMessage();
      }
    }
    return null;
  }

  private static Map<String, String> sums(CheckpointRow checkpoint) {
    Map<String, String> sums = new TreeMap<>();
    checkpoint.files().forEach((path, fingerprint) -> sums.put(path, fingerprint.sha256()));
    return sums;
  }
}
