package dev.redrive.audit.domain;

import dev.redrive.contract.ExecutionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One execution as the audit's index lists it, kept up to date event by event. Events may arrive in
 * any order and in any batches: each field is decided by the event that occurred last among those
 * that set it (ties go to the one stored later), so the summary of a set of events is the same
 * whatever the order it was built in, and it agrees with what the execution's page computes from
 * its whole timeline.
 *
 * @param executionId the execution
 * @param pipeline the first pipeline an event named; null until one does
 * @param status the status after the latest event that changes it ({@link #statusAfter}); RUNNING
 *     until one does
 * @param statusAt when that event occurred; null until one did
 * @param phase the phase named by the latest event that names one; null until one does
 * @param phaseAt when that event occurred
 * @param lastFailureType the failure type of the latest event about a failure; null if none
 * @param failureAt when that event occurred
 * @param firstEventAt when the earliest event occurred
 * @param lastEventAt when the latest event occurred: the index's order, newest first
 * @param lastEventType the type of that event
 * @param attempts attempts started (AttemptStarted events), over all phases
 * @param events events stored
 * @param originalExecutionId the execution this one resubmits, when it is a resubmission
 * @param resubmissions the executions that resubmit this one, in the order they were recorded, at
 *     most {@link #MAX_LINKS}
 * @param resubmissionCount how many executions resubmit this one (may be more than listed)
 */
public record ExecutionSummary(
    String executionId,
    String pipeline,
    ExecutionStatus status,
    Instant statusAt,
    String phase,
    Instant phaseAt,
    String lastFailureType,
    Instant failureAt,
    Instant firstEventAt,
    Instant lastEventAt,
    String lastEventType,
    int attempts,
    int events,
    String originalExecutionId,
    List<String> resubmissions,
    int resubmissionCount) {

  /** The most resubmissions a summary names; the count goes on. */
  public static final int MAX_LINKS = 20;

  /**
   * What the summary needs of one event.
   *
   * @param type the payload's record name
   * @param occurredAt when it happened
   * @param pipeline the pipeline it names, or null
   * @param failureType the failure type it carries, or null
   * @param facts the phase and resubmission links it carries
   */
  public record Event(
      String type, Instant occurredAt, String pipeline, String failureType, EventFacts facts) {

    public Event {
      facts = facts == null ? EventFacts.NONE : facts;
    }
  }

  public ExecutionSummary {
    resubmissions = List.copyOf(resubmissions);
  }

  /** The summary of an execution of which no event is known yet. */
  public static ExecutionSummary empty(String executionId) {
    return new ExecutionSummary(
        executionId,
        null,
        ExecutionStatus.RUNNING,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        0,
        null,
        List.of(),
        0);
  }

  /**
   * The status an event of this type leaves the execution in, in the shared vocabulary; empty when
   * it changes nothing. A failed attempt halts the execution until the coordinator decides (a
   * retry, a pause), as the runner's {@code ExecutionHalted} does.
   */
  public static Optional<ExecutionStatus> statusAfter(String type) {
    return Optional.ofNullable(
        switch (type) {
          case "ExecutionStarted", "AttemptStarted", "PhaseStarted", "RolledBack" ->
              ExecutionStatus.RUNNING;
          case "AttemptFailed", "ExecutionHalted" -> ExecutionStatus.HALTED;
          case "RetryScheduled" -> ExecutionStatus.RETRY_SCHEDULED;
          case "InterventionRequired" -> ExecutionStatus.PAUSED;
          case "ExecutionSucceeded" -> ExecutionStatus.SUCCEEDED;
          case "ExecutionCancelled" -> ExecutionStatus.CANCELLED;
          default -> null;
        });
  }

  /** The summary after one more stored event (stored after every event already applied). */
  public ExecutionSummary apply(Event event) {
    Instant at = event.occurredAt();
    ExecutionStatus newStatus = status;
    Instant newStatusAt = statusAt;
    Optional<ExecutionStatus> after = statusAfter(event.type());
    if (after.isPresent() && notBefore(at, statusAt)) {
      newStatus = after.get();
      newStatusAt = at;
    }
    String newPhase = phase;
    Instant newPhaseAt = phaseAt;
    if (event.facts().phase() != null && notBefore(at, phaseAt)) {
      newPhase = event.facts().phase();
      newPhaseAt = at;
    }
    String newFailure = lastFailureType;
    Instant newFailureAt = failureAt;
    if (event.failureType() != null && notBefore(at, failureAt)) {
      newFailure = event.failureType();
      newFailureAt = at;
    }
    Instant newLast = lastEventAt;
    String newLastType = lastEventType;
    if (notBefore(at, lastEventAt)) {
      newLast = at;
      newLastType = event.type();
    }
    Instant newFirst = firstEventAt == null || at.isBefore(firstEventAt) ? at : firstEventAt;
    String original = originalExecutionId;
    if (original == null && event.facts().resubmitOf() != null) {
      original = event.facts().resubmitOf();
    }
    List<String> links = resubmissions;
    int linkCount = resubmissionCount;
    String resubmittedAs = event.facts().resubmittedAs();
    if (resubmittedAs != null && !links.contains(resubmittedAs)) {
      linkCount++;
      if (links.size() < MAX_LINKS) {
        links = new ArrayList<>(links);
        links.add(resubmittedAs);
      }
    }
    return new ExecutionSummary(
        executionId,
        pipeline != null ? pipeline : event.pipeline(),
        newStatus,
        newStatusAt,
        newPhase,
        newPhaseAt,
        newFailure,
        newFailureAt,
        newFirst,
        newLast,
        newLastType,
        attempts + ("AttemptStarted".equals(event.type()) ? 1 : 0),
        events + 1,
        original,
        links,
        linkCount);
  }

  /** The summary after these events, in the order they were stored. */
  public ExecutionSummary applyAll(List<Event> stored) {
    ExecutionSummary summary = this;
    for (Event event : stored) {
      summary = summary.apply(event);
    }
    return summary;
  }

  private static boolean notBefore(Instant at, Instant current) {
    return current == null || !at.isBefore(current);
  }
}
