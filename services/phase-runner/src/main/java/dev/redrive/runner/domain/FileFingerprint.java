package dev.redrive.runner.domain;

/** What a file was at one moment: its size and the SHA-256 of its content. */
public record FileFingerprint(long size, String sha256) {}
