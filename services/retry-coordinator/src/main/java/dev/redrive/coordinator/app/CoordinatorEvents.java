package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PauseScope;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the coordinator tells the world. Implemented by the Kafka adapter, which writes to the
 * outbox in the caller's transaction; commands go to the topic of the execution's source.
 */
public interface CoordinatorEvents {

  /**
   * Starts collecting the events of many decisions; {@link Batch#write()} writes them all to the
   * outbox with one statement, in the order they were reported.
   */
  Batch batch();

  /** The events of one or several decisions, written together. */
  interface Batch {

    /**
     * A RetryCommand due at {@code notBefore}, and the RetryScheduled and RetryContextAssembled
     * decisions. The command (with the context) and the RetryScheduled (with {@code decision}'s
     * why) are kept as sent, for {@link ExecutionQueries#contextJson} and explain; {@code
     * requester} is null for an automatic retry.
     */
    void retryScheduled(
        EventMeta cause,
        String commandId,
        Decision.Retry retry,
        RetryContext context,
        Instant notBefore,
        RetryPolicy policy,
        Requester requester,
        ExplainedDecision decision);

    /**
     * An InterventionRequired decision with the phase's failure history: the execution is paused.
     */
    void interventionRequired(
        EventMeta cause,
        Failure failure,
        int maxAttempts,
        Decision.Intervene decision,
        List<Failure> history,
        DecisionExplanation why);

    /** Writes what was collected, in the caller's transaction (nothing when nothing was). */
    void write();
  }

  /**
   * Who asked for a retry, and the note they gave (null when none); the requester of an automatic
   * retry is null.
   */
  record Requester(String requestId, String requestedBy, boolean forced, String note) {}

  /**
   * A Rollback command (resume from {@code toPhase}) and its RetryScheduled decision.
   *
   * @param maxAttempts the number of the phase's last attempt ({@code AttemptBound})
   */
  void resumeRequested(
      EventMeta cause,
      String commandId,
      String toPhase,
      int attemptNumber,
      int maxAttempts,
      String note,
      Instant notBefore,
      RetryPolicy policy,
      Requester requester);

  /** A StartExecution command for the new execution, and the ExecutionResubmitted decision. */
  void resubmitted(EventMeta cause, String newExecutionId, Instant notBefore, Requester requester);

  /**
   * A RetryRejected decision.
   *
   * @param requestedBy who asked for the refused retry; null when nobody was named
   */
  void retryRejected(
      EventMeta cause, String requestId, String reason, String currentStatus, String requestedBy);

  /** An AttemptCountReset decision. */
  void attemptCountReset(
      EventMeta cause,
      String requestId,
      String phase,
      int previousCount,
      String requestedBy,
      String note);

  /**
   * A RetriesPaused decision, keyed by the paused execution, or by {@link #PAUSES_KEY} for a wider
   * pause.
   */
  void retriesPaused(PauseScope scope, String reason, String requestedBy);

  /** A RetriesUnpaused decision, keyed like {@link #retriesPaused}. */
  void retriesUnpaused(
      PauseScope scope, long releasedCommands, Duration stagger, String requestedBy, String note);

  /** The key (execution id) of the pause decisions that cover more than one execution. */
  String PAUSES_KEY = dev.redrive.contract.EventKeys.PAUSES;
}
