package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.ExplainedDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only questions about executions: what the API shows, and what a retry request checks. */
public interface ExecutionQueries {

  Optional<ExecutionView> execution(String executionId);

  /**
   * Executions that match the filter, most recently changed first (ties by id, descending),
   * starting after the cursor (null: from the start), at most {@code limit}.
   */
  List<ExecutionView> list(ExecutionFilter filter, ListExecutions.Cursor after, int limit);

  /**
   * The execution's phases, in the order they run: those the runner announced in its order, then
   * any other phase an attempt was reported of, in the order of their first attempts.
   */
  List<String> phases(String executionId);

  /** Every attempt of the execution, in the order they happened. */
  List<AttemptView> attempts(String executionId);

  Optional<AttemptView> attempt(String attemptId);

  /** The failure count of each phase of the execution that failed. */
  Map<String, Integer> counters(String executionId);

  /** Outputs of completed phases, by phase. */
  Map<String, Map<String, String>> checkpoints(String executionId);

  /** The context JSON a retry command carried, by command id. */
  Optional<String> contextJson(String commandId);

  /** PAUSED executions that match a bulk retry's filters (null matches all), oldest first. */
  List<String> pausedMatching(
      String pipeline, String phase, String failureType, Instant from, Instant to, int limit);

  /** The coordinator's last decision about the execution, with why; empty before the first. */
  Optional<ExplainedDecision> lastDecision(String executionId);

  /** How many executions are PAUSED right now. */
  long countPaused();
}
