package dev.redrive.coordinator.app;

import java.time.Instant;

/**
 * A person's or a system's request to retry an execution (from REST, from redrive.requests, or one
 * of a bulk retry).
 *
 * @param requestId idempotency key
 * @param resubmit run the pipeline again as a new execution with the same inputs
 * @param force retry whatever the execution's status (audited as forced)
 * @param resetCount zero the phase's failure count first (audited)
 * @param fromPhase resume from this phase (its checkpoint restored, later phases cleared); null =
 *     the failed phase
 * @param note feedback that goes into the next retry context
 * @param dryRun only say what would run again
 * @param notBefore when the retry may start (bulk retries are staggered)
 */
public record RetryRequest(
    String requestId,
    String executionId,
    boolean resubmit,
    boolean force,
    boolean resetCount,
    String fromPhase,
    String note,
    boolean dryRun,
    String requestedBy,
    Instant notBefore) {}
