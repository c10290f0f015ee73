package dev.redrive.runner.app;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptManifest;
import dev.redrive.runner.domain.FileFingerprint;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares two failed attempts of a phase from their manifests ({@link AttemptManifest}) and their
 * archived artifacts: what they read, how they failed, which checks changed, and which files were
 * added, removed or changed, with a unified diff of a changed text file up to {@link
 * #MAX_TEXT_BYTES}. Plain Java: the archived files come through {@link ArchivedFiles}.
 *
 * <p>The paths come from the manifests, which sit in a folder a phase could have written: a path
 * that is empty, absolute, holds a {@code ..} segment, a backslash or a control character is never
 * read (its change is reported as {@code unsafe-path}), and a file is diffed only when the bytes
 * read match the manifest's hash.
 */
public final class AttemptDiff {

  /** The largest file (on both sides) that gets a text diff. */
  public static final int MAX_TEXT_BYTES = 64 * 1024;

  /** Lines of one file's unified diff; more are cut and the file marked truncated. */
  public static final int MAX_DIFF_LINES = 400;

  /** Files that get a text diff in one answer; the others are listed with their sizes only. */
  public static final int MAX_TEXT_DIFFS = 20;

  /** Entries of each list (parameters, files added, removed, changed) in one answer. */
  public static final int MAX_LISTED = 1000;

  /** Reads an archived artifact of an attempt (port). */
  public interface ArchivedFiles {

    /**
     * The bytes of {@code relative} in the attempt's archive, or null when it is not there, not a
     * regular file inside the archive (a link, a path that leads out), or larger than {@code
     * maxBytes}.
     */
    byte[] read(int attemptNumber, String relative, int maxBytes);
  }

  /** One attempt's facts. */
  public record AttemptFacts(
      int number,
      String failureType,
      String errorType,
      String message,
      List<String> failedChecks,
      String inputsDigest,
      String artifactsDigest) {}

  /**
   * What the attempt read, compared.
   *
   * @param parameters declared inputs whose hash differs
   */
  public record Inputs(
      boolean changed,
      List<String> parameters,
      List<String> added,
      List<String> removed,
      List<String> changedFiles) {}

  /** How the failure differs: the names of the fields that differ. */
  public record Failure(boolean changed, List<String> differs) {}

  public record Checks(List<String> newlyFailed, List<String> newlyPassing) {}

  /**
   * A changed artifact.
   *
   * @param kind {@code text} (with {@code diff}), {@code binary}, {@code large} (over {@link
   *     #MAX_TEXT_BYTES}), {@code unavailable} (an archived copy is gone or no longer matches the
   *     manifest), {@code not-diffed} (over {@link #MAX_TEXT_DIFFS}) or {@code unsafe-path}
   * @param diff the unified diff lines, empty unless {@code text}
   * @param truncated the diff was cut at {@link #MAX_DIFF_LINES}
   */
  public record FileChange(
      String path,
      long sizeBefore,
      long sizeAfter,
      String kind,
      List<String> diff,
      boolean truncated) {}

  /**
   * @param truncated some list was cut at {@link #MAX_LISTED}
   */
  public record Artifacts(
      boolean changed,
      List<String> added,
      List<String> removed,
      List<FileChange> changedFiles,
      int unchanged,
      boolean truncated) {}

  /** The comparison of attempt {@code a} (before) with attempt {@code b} (after). */
  public record Result(
      String executionId,
      String phase,
      AttemptFacts a,
      AttemptFacts b,
      Inputs inputs,
      Failure failure,
      Checks checks,
      Artifacts artifacts) {}

  private AttemptDiff() {}

  /** Compares attempt {@code a} with attempt {@code b}. */
  public static Result compare(AttemptManifest a, AttemptManifest b, ArchivedFiles files) {
    return new Result(
        b.executionId(),
        b.phase(),
        facts(a),
        facts(b),
        inputs(a, b),
        failure(a, b),
        checks(a, b),
        artifacts(a, b, files));
  }

  private static AttemptFacts facts(AttemptManifest m) {
    return new AttemptFacts(
        m.attemptNumber(),
        m.failureType(),
        m.errorType(),
        m.message(),
        m.failedChecks(),
        m.inputsDigest(),
        m.artifactsDigest());
  }

  private static Inputs inputs(AttemptManifest a, AttemptManifest b) {
    List<String> parameters = new ArrayList<>();
    for (String name : union(a.parameters().keySet(), b.parameters().keySet())) {
      if (!Objects.equals(a.parameters().get(name), b.parameters().get(name))) {
        parameters.add(name);
      }
    }
    Files files = files(a.inputs(), b.inputs());
    boolean changed =
        !parameters.isEmpty()
            || !files.added.isEmpty()
            || !files.removed.isEmpty()
            || !files.changed.isEmpty();
    return new Inputs(
        changed, cap(parameters), cap(files.added), cap(files.removed), cap(files.changed));
  }

  private static Failure failure(AttemptManifest a, AttemptManifest b) {
    List<String> differs = new ArrayList<>();
    if (!Objects.equals(a.failureType(), b.failureType())) {
      differs.add("failureType");
    }
    if (!Objects.equals(a.errorType(), b.errorType())) {
      differs.add("errorType");
    }
    if (!Objects.equals(a.message(), b.message())) {
      differs.add("message");
    }
    if (!Objects.equals(a.failedChecks(), b.failedChecks())) {
      differs.add("failedChecks");
    }
    return new Failure(!differs.isEmpty(), differs);
  }

  private static Checks checks(AttemptManifest a, AttemptManifest b) {
    List<String> newlyFailed = new ArrayList<>();
    List<String> newlyPassing = new ArrayList<>();
    for (String name : union(a.checks().keySet(), b.checks().keySet())) {
      Boolean before = a.checks().get(name);
      Boolean after = b.checks().get(name);
      if (Boolean.FALSE.equals(after) && !Boolean.FALSE.equals(before)) {
        newlyFailed.add(name);
      } else if (Boolean.TRUE.equals(after) && Boolean.FALSE.equals(before)) {
        newlyPassing.add(name);
      }
    }
    return new Checks(cap(newlyFailed), cap(newlyPassing));
  }

  private static Artifacts artifacts(AttemptManifest a, AttemptManifest b, ArchivedFiles archived) {
    Files files = files(a.artifacts(), b.artifacts());
    List<FileChange> changed = new ArrayList<>();
    int diffed = 0;
    for (String path : files.changed) {
      if (changed.size() == MAX_LISTED) {
        break;
      }
      FileFingerprint before = a.artifacts().get(path);
      FileFingerprint after = b.artifacts().get(path);
      FileChange change;
      if (!safe(path)) {
        change = new FileChange(path, before.size(), after.size(), "unsafe-path", List.of(), false);
      } else if (before.size() > MAX_TEXT_BYTES || after.size() > MAX_TEXT_BYTES) {
        change = new FileChange(path, before.size(), after.size(), "large", List.of(), false);
      } else if (diffed >= MAX_TEXT_DIFFS) {
        change = new FileChange(path, before.size(), after.size(), "not-diffed", List.of(), false);
      } else {
        diffed++;
        change = textChange(path, a, before, b, after, archived);
      }
      changed.add(change);
    }
    boolean truncated =
        files.added.size() > MAX_LISTED
            || files.removed.size() > MAX_LISTED
            || files.changed.size() > MAX_LISTED;
    return new Artifacts(
        !files.added.isEmpty() || !files.removed.isEmpty() || !files.changed.isEmpty(),
        cap(files.added),
        cap(files.removed),
        changed,
        files.unchanged,
        truncated);
  }

  private static FileChange textChange(
      String path,
      AttemptManifest a,
      FileFingerprint before,
      AttemptManifest b,
      FileFingerprint after,
      ArchivedFiles archived) {
    byte[] oldBytes = archived.read(a.attemptNumber(), path, MAX_TEXT_BYTES);
    byte[] newBytes = archived.read(b.attemptNumber(), path, MAX_TEXT_BYTES);
    if (!matches(oldBytes, before) || !matches(newBytes, after)) {
      return new FileChange(path, before.size(), after.size(), "unavailable", List.of(), false);
    }
    String oldText = text(oldBytes);
    String newText = text(newBytes);
    if (oldText == null || newText == null) {
      return new FileChange(path, before.size(), after.size(), "binary", List.of(), false);
    }
    List<String> oldLines = oldText.lines().toList();
    List<String> newLines = newText.lines().toList();
    List<String> diff =
        UnifiedDiffUtils.generateUnifiedDiff(
            "attempt-%d/%s".formatted(a.attemptNumber(), path),
            "attempt-%d/%s".formatted(b.attemptNumber(), path),
            oldLines,
            DiffUtils.diff(oldLines, newLines),
            3);
    boolean truncated = diff.size() > MAX_DIFF_LINES;
    return new FileChange(
        path,
        before.size(),
        after.size(),
        "text",
        truncated ? List.copyOf(diff.subList(0, MAX_DIFF_LINES)) : diff,
        truncated);
  }

  /** Whether an archived copy is there and still the one the manifest names. */
  private static boolean matches(byte[] bytes, FileFingerprint expected) {
    return bytes != null && AttemptDigests.sha256Hex(bytes).equals(expected.sha256());
  }

  /** The bytes as text, or null when they are not text (a NUL byte, malformed UTF-8). */
  private static String text(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Whether a path from a manifest may be looked up in an archive: relative, no {@code ..} or empty
   * segment, no backslash, no control character.
   */
  public static boolean safe(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.length() > 4096) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || (c == ':' && i == 1)) {
        return false;
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
        return false;
      }
    }
    return true;
  }

  private record Files(
      List<String> added, List<String> removed, List<String> changed, int unchanged) {}

  private static Files files(Map<String, FileFingerprint> a, Map<String, FileFingerprint> b) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    int unchanged = 0;
    for (String path : union(a.keySet(), b.keySet())) {
      FileFingerprint before = a.get(path);
      FileFingerprint after = b.get(path);
      if (before == null) {
        added.add(path);
      } else if (after == null) {
        removed.add(path);
      } else if (!before.equals(after)) {
        changed.add(path);
      } else {
        unchanged++;
      }
    }
    return new Files(added, removed, changed, unchanged);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> cap(List<String> list) {
    return list.size() > MAX_LISTED ? List.copyOf(list.subList(0, MAX_LISTED)) : list;
  }
}
