package dev.redrive.coordinator.app;

import java.time.Instant;

/** An attempt as the API shows it. */
public record AttemptView(
    String attemptId,
    String executionId,
    String phase,
    int attemptNumber,
    String outcome,
    String commandId,
    String failureType,
    String errorMessage,
    Integer exitCode,
    Long durationMs,
    String artifactsLocation,
    Instant occurredAt) {}
