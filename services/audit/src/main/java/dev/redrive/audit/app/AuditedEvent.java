package dev.redrive.audit.app;

import java.time.Instant;

/** One event as the audit trail keeps it: where it came from and its payload as JSON. */
public record AuditedEvent(
    String eventId,
    String executionId,
    String eventType,
    String topic,
    int partition,
    long offset,
    String source,
    Instant occurredAt,
    String payloadJson) {}
