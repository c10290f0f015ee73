package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.RetryContext;

/**
 * A retry context to store; {@code automatic} retries are what the retry budget counts, and {@code
 * decision} is why the retry was made (null when not known).
 */
public record ContextToSave(
    String commandId,
    RetryContext context,
    EventMeta cause,
    boolean automatic,
    ExplainedDecision decision) {}
