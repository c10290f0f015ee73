package dev.redrive.audit.app;

import dev.redrive.audit.domain.EventFacts;
import dev.redrive.audit.domain.ExecutionSummary;
import java.time.Instant;

/**
 * One event as the audit trail keeps it: where it came from, what it is about, and the whole
 * decoded event as JSON.
 *
 * @param eventId the event's id, unique across Redrive (the idempotency key)
 * @param executionId the execution it belongs to
 * @param eventType the payload's record name, e.g. {@code AttemptFailed}
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param source the system that produced it
 * @param pipeline the pipeline, when the event names one
 * @param failureType the failure type, when the event is about a failure
 * @param occurredAt when it happened, by its producer's clock
 * @param payloadJson the whole event (envelope and payload) as JSON
 * @param facts what the execution index reads of it (phase, resubmission links); {@link
 *     EventFacts#NONE} for an event read back from the table, where the index has it already
 */
public record AuditedEvent(
    String eventId,
    String executionId,
    String eventType,
    String topic,
    int partition,
    long offset,
    String source,
    String pipeline,
    String failureType,
    Instant occurredAt,
    String payloadJson,
    EventFacts facts) {

  public AuditedEvent {
    facts = facts == null ? EventFacts.NONE : facts;
  }

  /** An event read back from the table. */
  public AuditedEvent(
      String eventId,
      String executionId,
      String eventType,
      String topic,
      int partition,
      long offset,
      String source,
      String pipeline,
      String failureType,
      Instant occurredAt,
      String payloadJson) {
    this(
        eventId,
        executionId,
        eventType,
        topic,
        partition,
        offset,
        source,
        pipeline,
        failureType,
        occurredAt,
        payloadJson,
        EventFacts.NONE);
  }

  /** What the execution index needs of it. */
  public ExecutionSummary.Event forSummary() {
    return new ExecutionSummary.Event(eventType, occurredAt, pipeline, failureType, facts);
  }
}
