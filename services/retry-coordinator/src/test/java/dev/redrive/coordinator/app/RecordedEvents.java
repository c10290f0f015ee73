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
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's outgoing events, kept in memory in the order they were written (a batch's
 * events only once it is written), as the outbox would hold them.
 */
final class RecordedEvents implements CoordinatorEvents {

  /** A RetryCommand with its decisions. */
  record RetryScheduled(
      EventMeta cause,
      String commandId,
      Decision.Retry retry,
      RetryContext context,
      Requester requester,
      ExplainedDecision decision)
      implements Written {}

  /** An InterventionRequired decision, with the bound of the failed attempt. */
  record InterventionRequired(
      EventMeta cause,
      Failure failure,
      int maxAttempts,
      Decision.Intervene decision,
      DecisionExplanation why)
      implements Written {}

  /** A resume: the Rollback command and its RetryScheduled decision. */
  record ResumeRequested(EventMeta cause, String toPhase, int attemptNumber, int maxAttempts)
      implements Written {}

  /** A RetryRejected decision. */
  record RetryRejected(
      EventMeta cause, String requestId, String reason, String currentStatus, String requestedBy)
      implements Written {}

  /** Any other event, by its name. */
  record Other(String name, EventMeta cause) implements Written {}

  /** One event written. */
  sealed interface Written {}

  final List<Written> written = new ArrayList<>();

  <T extends Written> List<T> of(Class<T> type) {
    return written.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public Batch batch() {
    List<Written> collected = new ArrayList<>();
    return new Batch() {
      @Override
      public void retryScheduled(
          EventMeta cause,
          String commandId,
          Decision.Retry retry,
          RetryContext context,
          Instant notBefore,
          RetryPolicy policy,
          Requester requester,
          ExplainedDecision decision) {
        collected.add(new RetryScheduled(cause, commandId, retry, context, requester, decision));
      }

      @Override
      public void interventionRequired(
          EventMeta cause,
          Failure failure,
          int maxAttempts,
          Decision.Intervene decision,
          List<Failure> history,
          DecisionExplanation why) {
        collected.add(new InterventionRequired(cause, failure, maxAttempts, decision, why));
      }

      @Override
      public void write() {
        written.addAll(collected);
        collected.clear();
      }
    };
  }

  @Override
  public void resumeRequested(
      EventMeta cause,
      String commandId,
      String toPhase,
      int attemptNumber,
      int maxAttempts,
      String note,
      Instant notBefore,
      RetryPolicy policy,
      Requester requester) {
    written.add(new ResumeRequested(cause, toPhase, attemptNumber, maxAttempts));
  }

  @Override
  public void resubmitted(
      EventMeta cause, String newExecutionId, Instant notBefore, Requester requester) {
    written.add(new Other("ExecutionResubmitted", cause));
  }

  @Override
  public void retryRejected(
      EventMeta cause, String requestId, String reason, String status, String requestedBy) {
    written.add(new RetryRejected(cause, requestId, reason, status, requestedBy));
  }

  @Override
  public void attemptCountReset(
      EventMeta cause,
      String requestId,
      String phase,
      int previousCount,
      String requestedBy,
      String note) {
    written.add(new Other("AttemptCountReset", cause));
  }

  /** A RetriesPaused or RetriesUnpaused decision. */
  record PauseChanged(String name, PauseScope scope, String requestedBy, long released)
      implements Written {}

  @Override
  public void retriesPaused(PauseScope scope, String reason, String requestedBy) {
    written.add(new PauseChanged("RetriesPaused", scope, requestedBy, 0));
  }

  @Override
  public void retriesUnpaused(
      PauseScope scope, long releasedCommands, Duration stagger, String requestedBy, String note) {
    written.add(new PauseChanged("RetriesUnpaused", scope, requestedBy, releasedCommands));
  }
}
