package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.ExplainedDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The executions in memory, as the use cases change them and as the queries read them; attempts and
 * failure counts are read from the {@link InMemoryAttemptLog} the test gives it.
 */
final class InMemoryExecutions implements ExecutionStore, ExecutionQueries {

  private static final Instant CREATED = Instant.parse("2025-03-01T00:00:00Z");

  final Map<String, ExecutionView> executions = new LinkedHashMap<>();
  final Map<String, List<String>> phases = new HashMap<>();
  final Map<String, ExplainedDecision> decisions = new HashMap<>();
  final Map<String, Map<String, Map<String, String>>> checkpoints = new HashMap<>();
  private final InMemoryAttemptLog attempts;

  InMemoryExecutions(InMemoryAttemptLog attempts) {
    this.attempts = attempts;
  }

  /** An execution that is there before the test, in this status and phase. */
  void given(
      String executionId,
      String pipeline,
      String source,
      ExecutionStatus status,
      String phase,
      List<String> phasesOfIt) {
    executions.put(
        executionId,
        new ExecutionView(
            executionId, pipeline, source, status, phase, null, null, CREATED, CREATED));
    phases.put(executionId, new ArrayList<>(phasesOfIt));
  }

  ExecutionStatus status(String executionId) {
    return executions.get(executionId).status();
  }

  @Override
  public void lock(String executionId) {
    // one thread: nothing runs at the same time
  }

  @Override
  public void recordExecutions(List<EventMeta> metas, Collection<ExecutionUpdate> updates) {
    metas.forEach(
        meta ->
            executions.putIfAbsent(
                meta.executionId(),
                new ExecutionView(
                    meta.executionId(),
                    meta.pipeline(),
                    meta.source(),
                    ExecutionStatus.RUNNING,
                    null,
                    null,
                    null,
                    CREATED,
                    CREATED)));
    updateExecutions(updates);
  }

  @Override
  public void updateExecutions(Collection<ExecutionUpdate> updates) {
    for (ExecutionUpdate update : updates) {
      ExecutionView x = executions.get(update.executionId());
      if (x == null
          || x.status() == ExecutionStatus.SUCCEEDED
          || x.status() == ExecutionStatus.CANCELLED) {
        continue;
      }
      if (update.lastDecision() != null) {
        decisions.put(update.executionId(), update.lastDecision());
      }
      executions.put(
          x.executionId(),
          with(
              x,
              update.status() != null ? update.status() : x.status(),
              update.currentPhase() != null ? update.currentPhase() : x.currentPhase(),
              update.lastError() != null ? update.lastError() : x.lastError()));
    }
  }

  @Override
  public void reopen(String executionId, ExecutionStatus status, String currentPhase) {
    executions.computeIfPresent(
        executionId,
        (id, x) ->
            with(x, status, currentPhase != null ? currentPhase : x.currentPhase(), x.lastError()));
  }

  @Override
  public void createResubmitted(
      String newExecutionId, String pipeline, String source, String originalExecutionId) {
    executions.put(
        newExecutionId,
        new ExecutionView(
            newExecutionId,
            pipeline,
            source,
            ExecutionStatus.RUNNING,
            null,
            null,
            originalExecutionId,
            CREATED,
            CREATED));
  }

  @Override
  public void setPhases(String executionId, List<String> announced) {
    phases.put(executionId, new ArrayList<>(announced));
  }

  @Override
  public void saveCheckpoint(String executionId, String phase, Map<String, String> outputs) {
    checkpoints.computeIfAbsent(executionId, id -> new LinkedHashMap<>()).put(phase, outputs);
  }

  @Override
  public void clearCheckpoints(String executionId, List<String> cleared) {
    checkpoints.getOrDefault(executionId, new HashMap<>()).keySet().removeAll(cleared);
  }

  @Override
  public Optional<ExecutionView> execution(String executionId) {
    return Optional.ofNullable(executions.get(executionId));
  }

  @Override
  public List<ExecutionView> list(ExecutionFilter filter, ListExecutions.Cursor after, int limit) {
    Comparator<ExecutionView> recentFirst =
        Comparator.comparing(ExecutionView::updatedAt)
            .thenComparing(ExecutionView::executionId)
            .reversed();
    return executions.values().stream()
        .filter(x -> filter.pipeline() == null || filter.pipeline().equals(x.pipeline()))
        .filter(x -> filter.status() == null || filter.status() == x.status())
        .filter(x -> filter.phase() == null || filter.phase().equals(x.currentPhase()))
        .filter(
            x ->
                after == null
                    || recentFirst.compare(
                            x,
                            new ExecutionView(
                                after.executionId(),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                after.updatedAt()))
                        > 0)
        .sorted(recentFirst)
        .limit(limit)
        .toList();
  }

  @Override
  public List<String> phases(String executionId) {
    return List.copyOf(phases.getOrDefault(executionId, List.of()));
  }

  @Override
  public List<AttemptView> attempts(String executionId) {
    return attempts.attempts.entrySet().stream()
        .filter(a -> a.getValue().phase().executionId().equals(executionId))
        .map(a -> view(a.getKey(), a.getValue()))
        .toList();
  }

  @Override
  public Optional<AttemptView> attempt(String attemptId) {
    return Optional.ofNullable(attempts.attempts.get(attemptId)).map(a -> view(attemptId, a));
  }

  @Override
  public Map<String, Integer> counters(String executionId) {
    Map<String, Integer> counters = new HashMap<>();
    attempts.counts.forEach(
        (key, count) -> {
          if (key.executionId().equals(executionId)) {
            counters.put(key.phase(), count);
          }
        });
    return counters;
  }

  @Override
  public Map<String, Map<String, String>> checkpoints(String executionId) {
    return checkpoints.getOrDefault(executionId, Map.of());
  }

  @Override
  public Optional<String> contextJson(String commandId) {
    throw new UnsupportedOperationException("the unit tests read contexts as they were saved");
  }

  @Override
  public List<String> pausedMatching(
      String pipeline, String phase, String failureType, Instant from, Instant to, int limit) {
    return executions.values().stream()
        .filter(x -> x.status() == ExecutionStatus.PAUSED)
        .filter(x -> pipeline == null || pipeline.equals(x.pipeline()))
        .filter(x -> phase == null || phase.equals(x.currentPhase()))
        .map(ExecutionView::executionId)
        .limit(limit)
        .toList();
  }

  @Override
  public Optional<ExplainedDecision> lastDecision(String executionId) {
    return Optional.ofNullable(decisions.get(executionId));
  }

  @Override
  public long countPaused() {
    return executions.values().stream().filter(x -> x.status() == ExecutionStatus.PAUSED).count();
  }

  private static ExecutionView with(
      ExecutionView x, ExecutionStatus status, String phase, String lastError) {
    return new ExecutionView(
        x.executionId(),
        x.pipeline(),
        x.source(),
        status,
        phase,
        lastError,
        x.resubmittedFrom(),
        x.createdAt(),
        x.updatedAt());
  }

  private static AttemptView view(String attemptId, InMemoryAttemptLog.Attempt a) {
    return new AttemptView(
        attemptId,
        a.phase().executionId(),
        a.phase().phase(),
        a.number(),
        a.outcome(),
        null,
        a.failure() == null ? null : a.failure().type().name(),
        a.failure() == null ? null : a.failure().message(),
        a.failure() == null ? null : a.failure().exitCode(),
        a.failure() == null ? null : a.failure().durationMs(),
        a.failure() == null ? null : a.failure().artifactsLocation(),
        a.failure() == null ? CREATED : a.failure().occurredAt());
  }
}
