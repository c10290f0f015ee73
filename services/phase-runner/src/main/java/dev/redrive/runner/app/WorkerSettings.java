package dev.redrive.runner.app;

import java.time.Duration;

/**
 * How this runner instance runs attempts.
 *
 * @param runnerInstance this runner; it claims attempts under this name
 * @param shutdownGrace how long running phases may finish when the runner stops
 * @param stopPollInterval how often to look for cancels of attempts running here that another
 *     runner instance received
 */
public record WorkerSettings(
    String runnerInstance, Duration shutdownGrace, Duration stopPollInterval) {}
