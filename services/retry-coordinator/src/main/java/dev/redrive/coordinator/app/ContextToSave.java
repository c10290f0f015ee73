package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.RetryContext;

/** A retry context to store; {@code automatic} retries are what the retry budget counts. */
public record ContextToSave(
    String commandId, RetryContext context, EventMeta cause, boolean automatic) {}
