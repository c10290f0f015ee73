package dev.redrive.runner.domain;

import java.time.Instant;
import java.util.List;

/**
 * One rollback (a Rollback command or a resume), as stored.
 *
 * @param clearedPhases the phase rolled back to and every later one
 * @param archive where their artifacts went (comma-separated), or null when there were none
 * @param attemptId the attempt it queued
 */
public record RollbackRecord(
    String rollbackId,
    String executionId,
    String commandId,
    String toPhase,
    List<String> clearedPhases,
    String archive,
    String attemptId,
    String note,
    String requestedBy,
    Instant createdAt) {}
