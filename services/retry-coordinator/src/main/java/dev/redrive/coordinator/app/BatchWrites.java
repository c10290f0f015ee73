package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.PolicySet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch of {@link RecordAttempt} writes once at its end, gathered while its rounds are
 * decided: the retry budget's tally, the executions' updates, the outgoing events (which keep the
 * retries' contexts), and the meters and log lines that only a committed batch writes.
 */
final class BatchWrites {
  final List<EventMeta> metas;

  /** The policies in force when the batch began: every decision of the batch uses them. */
  final PolicySet policies;

  final CoordinatorEvents.Batch events;
  final BudgetTally budget = new BudgetTally();

  /** The batch's failures, numbered, in the order of its rounds. */
  final List<AttemptReport.Failed> failures = new ArrayList<>();

  /** The round's failures with what each got: recorded together at the round's end. */
  final List<DecidedFailure> decided = new ArrayList<>();

  final Map<String, ExecutionUpdate> executions = new LinkedHashMap<>();

  /** Whether the batch is decided again, holding the budget's lock from its first retry on. */
  final boolean lockBudgetFirst;

  /** Meters and log lines, which only a committed batch writes. */
  final List<Runnable> afterCommit = new ArrayList<>();

  BatchWrites(
      List<EventMeta> metas,
      PolicySet policies,
      CoordinatorEvents.Batch events,
      boolean lockBudgetFirst) {
    this.metas = metas;
    this.policies = policies;
    this.events = events;
    this.lockBudgetFirst = lockBudgetFirst;
  }

  /** Later updates of an execution win; a null phase or error keeps the earlier one. */
  void execution(String executionId, ExecutionStatus status, String phase, String lastError) {
    update(new ExecutionUpdate(executionId, status, phase, lastError, null));
  }

  /** The coordinator's last decision about the execution, kept so that a person can ask why. */
  void decided(String executionId, ExplainedDecision decision) {
    update(new ExecutionUpdate(executionId, null, null, null, null, decision));
  }

  /** The execution's last retry is the command {@code commandId} (its context keeps why). */
  void retried(String executionId, String commandId) {
    update(ExecutionUpdate.retried(executionId, commandId));
  }

  /** The type of the execution's last failure (what a bulk retry filters on). */
  void failed(String executionId, FailureType type) {
    update(new ExecutionUpdate(executionId, null, null, null, type));
  }

  private void update(ExecutionUpdate update) {
    executions.merge(update.executionId(), update, ExecutionUpdate::then);
  }
}
