package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import java.time.Instant;

/** An execution as the API shows it. */
public record ExecutionView(
    String executionId,
    String pipeline,
    String source,
    ExecutionStatus status,
    String currentPhase,
    String lastError,
    String resubmittedFrom,
    Instant createdAt,
    Instant updatedAt) {}
