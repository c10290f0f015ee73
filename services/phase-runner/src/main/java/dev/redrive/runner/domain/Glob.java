package dev.redrive.runner.domain;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

/**
 * Workspace-relative path patterns: {@code *} (within one folder), {@code **} (across folders),
 * {@code ?} and {@code [...]}, as in {@link java.nio.file.FileSystem#getPathMatcher}.
 */
public final class Glob {

  private Glob() {}

  /** Whether the text uses any glob syntax. */
  public static boolean isGlob(String pattern) {
    return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /** The folders before the first glob character: where a search for matches starts. */
  public static String staticPrefix(String pattern) {
    if (!isGlob(pattern)) {
      return pattern;
    }
    int firstGlob = 0;
    while (firstGlob < pattern.length() && "*?[{".indexOf(pattern.charAt(firstGlob)) < 0) {
      firstGlob++;
    }
    int slash = pattern.lastIndexOf('/', firstGlob);
    return slash < 0 ? "" : pattern.substring(0, slash);
  }

  /** A matcher for workspace-relative paths. */
  public static PathMatcher matcher(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }

  /** Whether the workspace-relative path matches the pattern. */
  public static boolean matches(String pattern, String relativePath) {
    return matcher(pattern).matches(Path.of(relativePath));
  }
}
