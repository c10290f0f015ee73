package dev.redrive.runner.domain;

/**
 * An output a phase promises: a workspace-relative path or glob, and an optional minimum size.
 *
 * <p>A plain path must exist; with a minimum size, a file must be at least that big and a folder
 * must hold at least that many bytes in all. A glob must match at least one file, and every file it
 * matches must be at least the minimum size.
 *
 * @param path workspace-relative path or glob ({@link Glob})
 * @param minSizeBytes 0 when any size will do
 */
public record OutputSpec(String path, long minSizeBytes) {

  public OutputSpec {
    if (minSizeBytes < 0) {
      throw new IllegalArgumentException("minimum size must not be negative: " + minSizeBytes);
    }
  }

  public static OutputSpec of(String path) {
    return new OutputSpec(path, 0);
  }

  public boolean isGlob() {
    return Glob.isGlob(path);
  }

  /** How the output is written in messages: the path, and its minimum size when it has one. */
  public String describe() {
    return minSizeBytes == 0 ? path : path + " (at least " + minSizeBytes + " bytes)";
  }
}
