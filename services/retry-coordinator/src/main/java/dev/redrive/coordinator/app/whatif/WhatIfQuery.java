package dev.redrive.coordinator.app.whatif;

import java.time.Instant;

/**
 * Which recorded failures a what-if replays: those of {@code [from, to)}, optionally of one
 * pipeline, one phase or one source (null = any).
 */
public record WhatIfQuery(Instant from, Instant to, String pipeline, String phase, String source) {}
