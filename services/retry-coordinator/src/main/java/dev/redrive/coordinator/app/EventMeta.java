package dev.redrive.coordinator.app;

import java.time.Instant;

/** The envelope of the event that caused a use case to run. */
public record EventMeta(
    String eventId,
    String executionId,
    String pipeline,
    String source,
    Instant occurredAt,
    String correlationId) {}
