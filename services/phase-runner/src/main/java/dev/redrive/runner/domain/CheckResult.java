package dev.redrive.runner.domain;

/** How an exit criterion ended, with a bounded excerpt of its output. */
public record CheckResult(String name, boolean passed, String outputExcerpt) {}
