package dev.redrive.runner.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a phase may write: its own {@code artifacts/<phase>/} and the paths its definition allows.
 * A plain path allows itself and everything under it; a glob allows what it matches and everything
 * under a folder it matches. Anything else the phase creates, changes or deletes is an unauthorized
 * write.
 */
public final class WritePaths {

  private final List<String> allowed;

  private WritePaths(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** The phase's own artifacts folder plus the extra allowed paths of its definition. */
  public static WritePaths of(String artifactsDir, List<String> extraAllowed) {
    List<String> all = new ArrayList<>();
    all.add(trim(artifactsDir));
    extraAllowed.forEach(p -> all.add(trim(p)));
    return new WritePaths(all);
  }

  /** The allowed paths, as written (without trailing slashes). */
  public List<String> allowed() {
    return allowed;
  }

  /** Whether the phase may write the workspace-relative path. */
  public boolean allows(String relativePath) {
    String path = trim(relativePath);
    for (String entry : allowed) {
      if (Glob.isGlob(entry)) {
        if (matchesItselfOrAParent(entry, path)) {
          return true;
        }
      } else if (path.equals(entry) || path.startsWith(entry + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a whole folder is allowed, so that a scan for unauthorized writes may skip it: true
   * when the folder itself (or a parent) is allowed by a plain path.
   */
  public boolean allowsFolder(String relativeFolder) {
    String folder = trim(relativeFolder);
    return allowed.stream()
        .filter(e -> !Glob.isGlob(e))
        .anyMatch(e -> folder.equals(e) || folder.startsWith(e + "/"));
  }

  private static boolean matchesItselfOrAParent(String glob, String path) {
    String candidate = path;
    while (!candidate.isEmpty()) {
      if (Glob.matches(glob, candidate)) {
        return true;
      }
      int slash = candidate.lastIndexOf('/');
      candidate = slash < 0 ? "" : candidate.substring(0, slash);
    }
    return false;
  }

  private static String trim(String path) {
    String trimmed = path;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.startsWith("./")) {
      trimmed = trimmed.substring(2);
    }
    return trimmed;
  }
}
