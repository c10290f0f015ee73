package dev.redrive.coordinator.app.policy;

/**
 * @param maxExecutionOverrides executions that may have a policy override in force at once ({@code
 *     redrive.coordinator.policies.max-execution-overrides})
 */
public record PolicyLimits(int maxExecutionOverrides) {}
