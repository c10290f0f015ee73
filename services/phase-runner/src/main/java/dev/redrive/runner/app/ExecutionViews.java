package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.LoopCount;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.PhaseStatus;
import dev.redrive.runner.domain.Pipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** Builds the {@link ExecutionView} of an execution from the runner's tables. */
@Service
public class ExecutionViews {

  private final ExecutionStore store;
  private final CheckpointStore checkpointStore;
  private final Pipelines catalog;

  public ExecutionViews(ExecutionStore store, CheckpointStore checkpoints, Pipelines catalog) {
    this.store = store;
    this.checkpointStore = checkpoints;
    this.catalog = catalog;
  }

  public Optional<ExecutionView> view(String executionId) {
    return store.execution(executionId).map(this::view);
  }

  private ExecutionView view(Execution execution) {
    String executionId = execution.executionId();
    List<Attempt> attempts = store.attempts(executionId);
    Map<String, Checkpoint> checkpoints = checkpointStore.activeCheckpoints(executionId);
    Map<String, LoopCount> loops =
        checkpointStore.loops(executionId).stream()
            .collect(Collectors.toMap(LoopCount::phase, l -> l, (a, b) -> b, LinkedHashMap::new));
    List<String> phaseNames = new ArrayList<>();
    List<ExecutionView.PhaseView> phases = new ArrayList<>();
    Map<String, PhaseStatus> statuses = new LinkedHashMap<>();
    Pipeline pipeline = catalog.find(execution.pipeline()).orElse(null);
    List<String> names =
        pipeline != null
            ? pipeline.phaseNames()
            : attempts.stream().map(Attempt::phase).distinct().toList();
    for (String name : names) {
      List<Attempt> current =
          attempts.stream().filter(a -> a.phase().equals(name) && !a.superseded()).toList();
      Attempt latest = current.isEmpty() ? null : current.get(current.size() - 1);
      Checkpoint checkpoint = checkpoints.get(name);
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
        checkpointStore.rollbacks(executionId));
  }

  /**
   * A phase is complete when its latest attempt produced its active checkpoint; a checkpoint that
   * an older attempt produced still serves rollbacks but does not make a re-run phase complete.
   */
  static PhaseStatus status(Attempt latest, Checkpoint checkpoint) {
    if (latest == null) {
      return PhaseStatus.PENDING;
    }
    boolean checkpointed = checkpoint != null && latest.attemptId().equals(checkpoint.attemptId());
    return PhaseStatus.of(latest.status(), checkpointed);
  }

  private static ExecutionView.Loop loop(Pipeline pipeline, String phaseName, LoopCount used) {
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

  private static String lastError(Execution execution, List<Attempt> attempts) {
    if (execution.status() != ExecutionStatus.HALTED) {
      return null;
    }
    for (int i = attempts.size() - 1; i >= 0; i--) {
      Attempt attempt = attempts.get(i);
      if (attempt.failureType() != null) {
        return attempt.failureType() + ": " + attempt.errorMessage();
      }
    }
    return null;
  }

  private static Map<String, String> sums(Checkpoint checkpoint) {
    Map<String, String> sums = new TreeMap<>();
    checkpoint.files().forEach((path, fingerprint) -> sums.put(path, fingerprint.sha256()));
    return sums;
  }
}
