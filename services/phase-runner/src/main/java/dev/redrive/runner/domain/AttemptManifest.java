package dev.redrive.runner.domain;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one failed (or looped) attempt read and left, kept next to its archive as {@link
 * #pathOf(String, int)} so that two attempts can be compared when the working files have long
 * changed: the declared parameters as hashes (never the values), the input files and the artifacts
 * (path to size and SHA-256), and the failure.
 *
 * @param version the manifest format ({@link #VERSION})
 * @param checks every exit criterion that ran, by name: whether it passed
 * @param parameters declared input name to its salted SHA-256 ({@link
 *     AttemptDigests#parameterHashes}), or {@link AttemptDigests#UNSET}
 * @param inputs the files of the input checkpoint and of the earlier phases' checkpoints, by
 *     workspace-relative path
 * @param artifacts the files of {@code artifacts/<phase>/}, by path relative to it
 */
public record AttemptManifest(
    int version,
    String executionId,
    String phase,
    int attemptNumber,
    String failureType,
    String errorType,
    String message,
    List<String> failedChecks,
    Map<String, Boolean> checks,
    Map<String, String> parameters,
    Map<String, FileFingerprint> inputs,
    Map<String, FileFingerprint> artifacts,
    String inputsDigest,
    String artifactsDigest) {

  public static final int VERSION = 1;

  public AttemptManifest {
    failedChecks = failedChecks == null ? List.of() : List.copyOf(failedChecks);
    checks = sorted(checks);
    parameters = sorted(parameters);
    inputs = sorted(inputs);
    artifacts = sorted(artifacts);
  }

  /**
   * Where the manifest of a phase's attempt is kept, relative to the workspace: beside the
   * attempt's archive folder rather than in it, so that an artifact of any name (a phase may well
   * produce its own {@code manifest.json}) is archived untouched.
   */
  public static String pathOf(String phase, int attemptNumber) {
    return "artifacts/_failed/%s/attempt-%d.manifest.json".formatted(phase, attemptNumber);
  }

  /** Where a failed attempt's artifacts are archived, relative to the workspace. */
  public static String archiveOf(String phase, int attemptNumber) {
    return "artifacts/_failed/%s/attempt-%d/".formatted(phase, attemptNumber);
  }

  /** The manifest of a failed attempt. */
  public static AttemptManifest of(
      Attempt attempt,
      AttemptOutcome outcome,
      Map<String, String> parameterHashes,
      Map<String, FileFingerprint> inputs,
      Map<String, FileFingerprint> artifacts) {
    Map<String, Boolean> checks = new TreeMap<>();
    outcome.checks().forEach(c -> checks.put(c.name(), c.passed()));
    return new AttemptManifest(
        VERSION,
        attempt.executionId(),
        attempt.phase(),
        attempt.attemptNumber(),
        outcome.failureType() == null ? null : outcome.failureType().name(),
        outcome.errorType(),
        outcome.message(),
        outcome.failedCheckNames(),
        checks,
        parameterHashes,
        inputs,
        artifacts,
        AttemptDigests.inputsDigest(parameterHashes, inputs),
        AttemptDigests.artifactsDigest(artifacts));
  }

  /** The two digests the attempt is reported with. */
  public AttemptDigests digests() {
    return new AttemptDigests(inputsDigest, artifactsDigest);
  }

  private static <V> SortedMap<String, V> sorted(Map<String, V> map) {
    return map == null ? new TreeMap<>() : new TreeMap<>(map);
  }
}
