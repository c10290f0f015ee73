package dev.redrive.runner.workspace;

import dev.redrive.runner.domain.FileFingerprint;
import dev.redrive.runner.domain.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The folder of one execution: {@code input/} (parameters and input files), {@code
 * artifacts/<phase>/}, {@code artifacts/_failed/<phase>/attempt-<N>/}, {@code
 * artifacts/_untrusted/<phase>/}, {@code artifacts/_rolled_back/<phase>/<time>/}, {@code error.log}
 * and {@code .redrive/} (the state file, retry contexts, checkpoint copies).
 */
public record Workspace(Path root) {

  /** The parameters of the execution, in {@code java.util.Properties} format. */
  public static final String PARAMETERS = "input/parameters.properties";

  /** The execution's phases and their status, rewritten on every change. */
  public static final String STATE_FILE = ".redrive/state.json";

  /** Folders the runner keeps; phases may not write them and checkpoints never include them. */
  public static final List<String> RUNNER_AREAS =
      List.of(".redrive", "artifacts/_failed", "artifacts/_untrusted", "artifacts/_rolled_back");

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
    FileTree.deleteTree(root);
  }

  public Path resolve(String relative) {
    return root.resolve(relative).normalize();
  }

  /** Whether a workspace-relative path lies in a folder the runner keeps. */
  public static boolean isRunnerArea(String relative) {
    return RUNNER_AREAS.stream().anyMatch(a -> relative.equals(a) || relative.startsWith(a + "/"));
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
    String archive = "artifacts/_failed/%s/attempt-%d/".formatted(phase.name(), attempt);
    archiveFailed(phase.artifactsDir(), archive);
    return archive;
  }

  /**
   * Copies the content of {@code artifactsDir} to {@code archive} (a workspace-relative folder),
   * replacing files of the same name there.
   */
  public void archiveFailed(String artifactsDir, String archive) {
    Path source = resolve(artifactsDir);
    Path target = resolve(archive);
    createDirectories(target);
    FileTree.files(source, source, f -> false)
        .forEach((relative, file) -> FileTree.copy(file, target.resolve(relative)));
  }

  /** Writes the error report to {@code error.log} and next to the archived artifacts. */
  public void writeErrorReport(String archive, String report) {
    write("error.log", report);
    write(archive + "error.log", report);
  }

  public Path write(String relative, String content) {
    return write(relative, content.getBytes(StandardCharsets.UTF_8));
  }

  public Path write(String relative, byte[] content) {
    Path file = resolve(relative);
    createDirectories(file.getParent());
    try {
      return Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** Writes a file so that a reader sees the old content or the new one, never a mix. */
  public void writeAtomically(String relative, String content) {
    Path file = resolve(relative);
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    write(root.relativize(temporary).toString(), content);
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      FileTree.move(temporary, file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** The execution's parameters ({@value #PARAMETERS}); empty when there are none. */
  public Map<String, String> parameters() {
    Path file = resolve(PARAMETERS);
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    return properties.stringPropertyNames().stream()
        .collect(Collectors.toMap(k -> k, properties::getProperty, (a, b) -> b, TreeMap::new));
  }

  /** Writes the parameters as {@code key=value} lines (escaped as {@code Properties} does). */
  public void writeParameters(Map<String, String> parameters) {
    Properties properties = new Properties();
    properties.putAll(parameters);
    StringWriter text = new StringWriter();
    try {
      properties.store(text, null);
    } catch (IOException e) {
      throw new UncheckedIOException("could not format parameters", e);
    }
    String lines =
        text.toString()
            .lines()
            .filter(line -> !line.startsWith("#"))
            .sorted()
            .collect(Collectors.joining("\n", "", "\n"));
    write(PARAMETERS, parameters.isEmpty() ? "" : lines);
  }

  /** Copies every file of another workspace's {@code input/} into this one's. */
  public void copyInputFrom(Workspace original) {
    Path source = original.resolve("input");
    FileTree.files(source, source, f -> false)
        .forEach((relative, file) -> FileTree.copy(file, resolve("input").resolve(relative)));
  }

  /** SHA-256 of every file under the phase's artifacts, by workspace-relative path. */
  public Map<String, String> checksums(Phase phase) {
    Map<String, String> sums = new TreeMap<>();
    Path dir = resolve(phase.artifactsDir());
    FileTree.files(root, dir, f -> false)
        .forEach((relative, file) -> sums.put(relative, FileTree.sha256(file)));
    return sums;
  }

  /** Size and SHA-256 of every file under {@code dir}, by path relative to it. */
  public Map<String, FileFingerprint> fingerprints(String dir) {
    Map<String, FileFingerprint> files = new TreeMap<>();
    Path start = resolve(dir);
    if (!start.startsWith(root)) {
      throw new IllegalArgumentException("not inside the workspace: " + dir);
    }
    FileTree.files(start, start, f -> false)
        .forEach((relative, file) -> files.put(relative, FileTree.fingerprint(file)));
    return files;
  }

  /**
   * The bytes of {@code relative} inside the folder {@code dir}, or null when it is not a regular
   * file reached without a link, inside that folder, of at most {@code maxBytes}.
   */
  public byte[] readInside(String dir, String relative, int maxBytes) {
    Path base = resolve(dir);
    Path file = base.resolve(relative).normalize();
    if (!base.startsWith(root) || !file.startsWith(base) || file.equals(base)) {
      return null;
    }
    Path step = root;
    for (Path name : root.relativize(file)) {
      step = step.resolve(name);
      if (Files.isSymbolicLink(step)) {
        return null;
      }
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      return bytes.length > maxBytes ? null : bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
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
