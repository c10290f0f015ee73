package dev.redrive.runner.domain;

import dev.redrive.contract.ExecutionStatus;
import java.time.Instant;

/**
 * An execution as the runner keeps it.
 *
 * @param workspace the absolute path of its folder
 * @param resubmitOf the execution whose {@code input/} it copied, or null
 */
public record Execution(
    String executionId,
    String pipeline,
    ExecutionStatus status,
    String currentPhase,
    String workspace,
    String resubmitOf,
    String requestedBy,
    Instant createdAt,
    Instant updatedAt) {}
