package dev.redrive.runner.app;

import java.time.Duration;

/**
 * How this runner instance runs attempts.
 *
 * @param runnerInstance this runner; it claims attempts under this name
 * @param firstAttemptMaxAttempts attempt bound shown to an attempt the runner queues itself
 * @param shutdownGrace how long running phases may finish when the runner stops
 * @param stopPollInterval how often to look for cancels of attempts running here that another
 *     runner instance received
 */
public record WorkerSettings(
    String runnerInstance,
    int firstAttemptMaxAttempts,
    Duration shutdownGrace,
    Duration stopPollInterval) {}
