package dev.redrive.runner.app;

/**
 * What a retry command tells the phase: the attempt's number and bound, the previous error in one
 * line, and the retry context as JSON (written to the file named by {@code REDRIVE_CONTEXT_FILE}).
 */
public record RetryInstructions(
    String commandId,
    int attemptNumber,
    int maxAttempts,
    String previousError,
    String contextJson) {}
