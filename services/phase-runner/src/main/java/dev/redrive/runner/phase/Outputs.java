package dev.redrive.runner.phase;

import dev.redrive.runner.domain.Glob;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.workspace.FileTree;
import dev.redrive.runner.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Checks a phase's expected outputs in the workspace: present, and large enough. */
final class Outputs {

  private Outputs() {}

  /**
   * Why an output does not satisfy its spec ("not found: path", "too small: ..."), or empty when it
   * does.
   */
  static Optional<String> problem(Workspace workspace, OutputSpec output) {
    if (!output.isGlob()) {
      Path path = workspace.resolve(output.path());
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of("not found: " + output.path());
      }
      long size = sizeOf(workspace, path);
      if (size < output.minSizeBytes()) {
        return Optional.of(
            "too small: %s has %d bytes, at least %d expected"
                .formatted(output.path(), size, output.minSizeBytes()));
      }
      return Optional.empty();
    }
    Path start = workspace.resolve(Glob.staticPrefix(output.path()));
    Map<String, Path> matches = new LinkedHashMap<>();
    FileTree.files(workspace.root(), start, Workspace::isRunnerArea)
        .forEach(
            (relative, file) -> {
              if (Glob.matches(output.path(), relative)) {
                matches.put(relative, file);
              }
            });
    if (matches.isEmpty()) {
      return Optional.of("not found: nothing matches " + output.path());
    }
    for (Map.Entry<String, Path> match : matches.entrySet()) {
      long size = sizeOf(workspace, match.getValue());
      if (size < output.minSizeBytes()) {
        return Optional.of(
            "too small: %s (matching %s) has %d bytes, at least %d expected"
                .formatted(match.getKey(), output.path(), size, output.minSizeBytes()));
      }
    }
    return Optional.empty();
  }

  private static long sizeOf(Workspace workspace, Path path) {
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        long total = 0;
        for (Path file : FileTree.files(workspace.root(), path, f -> false).values()) {
          total += Files.size(file);
        }
        return total;
      }
      return Files.isSymbolicLink(path) ? 0 : Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the size of " + path, e);
    }
  }
}
