package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The executions the coordinator knows, as the use cases change them: their status, their phases
 * and the outputs of the phases that completed. Reads for people are {@link ExecutionQueries}.
 */
public interface ExecutionStore {

  /** Creates the execution the first time any event names it (external executions included). */
  default void ensureExecution(EventMeta meta) {
    recordExecutions(List.of(meta), List.of());
  }

  /**
   * What a batch of events did to its executions: creates those the events name that are not known
   * yet (the first event of each wins) and applies the updates as {@link #updateExecutions} does.
   * Each execution is written once: a new one is created as the updates leave it.
   */
  void recordExecutions(List<EventMeta> metas, Collection<ExecutionUpdate> updates);

  /**
   * Updates executions that have not ended, one update per execution. An ended execution
   * (SUCCEEDED, CANCELLED) stays as it is: the end arrives on another topic than the attempts, so a
   * late attempt event must not bring the execution back to life.
   */
  void updateExecutions(Collection<ExecutionUpdate> updates);

  /** Moves an execution to a status whatever it was (a person's forced retry may reopen it). */
  void reopen(String executionId, ExecutionStatus status, String currentPhase);

  /** A new RUNNING execution that runs the pipeline of {@code originalExecutionId} again. */
  void createResubmitted(
      String newExecutionId, String pipeline, String source, String originalExecutionId);

  /**
   * The phases of a pipeline run, as the runner announced them. Phases nobody announced (another
   * system's) are known from their attempts ({@link ExecutionQueries#phases}).
   */
  void setPhases(String executionId, List<String> phases);

  /** What a completed phase produced (replacing an earlier checkpoint of the phase). */
  void saveCheckpoint(String executionId, String phase, Map<String, String> outputs);

  /** Forgets what these phases produced: they will run again. */
  void clearCheckpoints(String executionId, List<String> phases);

  /**
   * Locks the execution's row until the transaction ends, so that requests about the same execution
   * are decided one after the other (each sees what the one before changed); nothing when the
   * execution is unknown.
   */
  void lock(String executionId);
}
