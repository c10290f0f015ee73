package dev.redrive.audit.config;

/**
 * The topics the audit's listener subscribes to (bean {@code auditedTopics}, read by the listener's
 * {@code topics} expression).
 */
public record AuditedTopics(String[] names) {}
