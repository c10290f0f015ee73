package dev.redrive.coordinator.domain;

import java.util.List;

/**
 * Everything known about the earlier attempts of a phase, handed explicitly to the next attempt:
 * stored, emitted as RetryContextAssembled, served by the API, and written to the phase's context
 * file. Never hidden memory.
 *
 * @param currentAttempt the attempt this context is for
 * @param truncated older excerpts were trimmed to keep the context within its size bound
 */
public record RetryContext(
    String executionId,
    String phase,
    int currentAttempt,
    int maxAttempts,
    List<AttemptSummary> priorAttempts,
    List<String> notes,
    String guidance,
    boolean truncated) {}
