package dev.redrive.runner.domain;

/** An exit criterion: a named check command that must exit 0. */
public record CheckSpec(String name, CommandSpec command) {}
