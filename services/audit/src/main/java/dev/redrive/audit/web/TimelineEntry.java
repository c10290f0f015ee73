package dev.redrive.audit.web;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One event as the REST API and the event stream show it.
 *
 * @param eventId the event's id
 * @param executionId the execution it belongs to
 * @param type the payload's record name, e.g. {@code AttemptFailed}
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param source the system that produced it
 * @param occurredAt when it happened
 * @param pipeline the pipeline, when the event names one
 * @param failureType the failure type, when the event is about a failure
 * @param summary one line for people: what happened and, for a decision, why and by whom
 * @param payload the whole decoded event (envelope and payload)
 */
record TimelineEntry(
    String eventId,
    String executionId,
    String type,
    String topic,
    int partition,
    long offset,
    String source,
    Instant occurredAt,
    String pipeline,
    String failureType,
    String summary,
    JsonNode payload) {}
