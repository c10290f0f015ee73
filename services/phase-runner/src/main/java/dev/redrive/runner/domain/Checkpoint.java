package dev.redrive.runner.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The active checkpoint of a phase (or of the execution's input): its files by workspace-relative
 * path.
 *
 * @param attemptId the attempt that produced it; null for the input checkpoint
 */
public record Checkpoint(
    String checkpointId,
    String phase,
    String attemptId,
    Instant createdAt,
    Map<String, FileFingerprint> files) {

  /** The pseudo-phase whose checkpoint is the execution's {@code input/} folder at its start. */
  public static final String INPUT = "_input";
}
