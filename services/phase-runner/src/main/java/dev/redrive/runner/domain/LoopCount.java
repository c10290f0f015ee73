package dev.redrive.runner.domain;

/** Iterations a phase's loop used in an execution. */
public record LoopCount(String phase, String target, int iterations) {}
