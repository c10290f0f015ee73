package dev.redrive.runner.app;

import dev.redrive.runner.domain.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The folder of one execution: {@code input/}, {@code artifacts/<phase>/}, {@code
 * artifacts/_failed/<phase>/attempt-<N>/}, {@code error.log} and {@code .redrive/} (retry
 * contexts).
 */
public record Workspace(Path root) {

  public static Workspace create(Path workspaceRoot, String executionId) {
    Workspace workspace = new Workspace(workspaceRoot.resolve(executionId).toAbsolutePath());
    try {
      Files.createDirectories(workspace.root.resolve("input"));
      Files.createDirectories(workspace.root.resolve("artifacts"));
      Files.createDirectories(workspace.root.resolve(".redrive"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not create workspace " + workspace.root, e);
    }
    return workspace;
  }

  /** Removes the workspace (an execution that was never recorded). */
  public void delete() {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete workspace " + root, e);
    }
  }

  public Path resolve(String relative) {
    return root.resolve(relative).normalize();
  }

  /** Creates {@code artifacts/<phase>/} if needed; a retry keeps what is already there. */
  public void prepare(Phase phase) {
    createDirectories(resolve(phase.artifactsDir()));
  }

  /**
   * Copies the phase's artifacts to {@code artifacts/_failed/<phase>/attempt-<N>/} and returns that
   * path relative to the workspace. The working copy stays, so the next attempt fixes rather than
   * redoes.
   */
  public String archiveFailed(Phase phase, int attempt) {
    String archive = "artifacts/_failed/%s/attempt-%d".formatted(phase.name(), attempt);
    Path source = resolve(phase.artifactsDir());
    Path target = resolve(archive);
    createDirectories(target);
    if (Files.isDirectory(source)) {
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path copy = target.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            createDirectories(copy);
          } else {
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not archive " + source + " to " + target, e);
      }
    }
    return archive + "/";
  }

  /** Writes the error report to {@code error.log} and next to the archived artifacts. */
  public void writeErrorReport(String archive, String report) {
    write("error.log", report);
    write(archive + "error.log", report);
  }

  public Path write(String relative, String content) {
    Path file = resolve(relative);
    createDirectories(file.getParent());
    try {
      return Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** SHA-256 of every file under the phase's artifacts, by workspace-relative path. */
  public Map<String, String> checksums(Phase phase) {
    Map<String, String> sums = new TreeMap<>();
    Path dir = resolve(phase.artifactsDir());
    if (!Files.isDirectory(dir)) {
      return sums;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        sums.put(root.relativize(file).toString(), sha256(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir, e);
    }
    return sums;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
  }
}
