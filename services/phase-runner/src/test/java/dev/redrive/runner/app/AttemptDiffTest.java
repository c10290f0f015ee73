package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.AttemptDigests;
import dev.redrive.runner.domain.AttemptManifest;
import dev.redrive.runner.domain.FileFingerprint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Two failed attempts compared from their manifests and archived files, without Spring. */
class AttemptDiffTest {

  /** Archived files by attempt number and path; records every read. */
  private final Map<Integer, Map<String, byte[]>> archives = new HashMap<>();

  private final List<String> reads = new ArrayList<>();

  private final AttemptDiff.ArchivedFiles files =
      (number, relative, maxBytes) -> {
        reads.add(number + ":" + relative);
        byte[] bytes = archives.getOrDefault(number, Map.of()).get(relative);
        return bytes == null || bytes.length > maxBytes ? null : bytes;
      };

  @Test
  void shouldListAddedRemovedAndChangedFilesWithADiffOfAChangedTextFile() {
    AttemptManifest one =
        attempt(1, "boom on run 0", Map.of("keep.txt", "same\n", "gone.txt", "old\n"));
    file(1, "report.txt", "header\nrun 0\nfooter\n");
    one = with(one, "report.txt");
    AttemptManifest two = attempt(2, "boom on run 1", Map.of("keep.txt", "same\n", "new.txt", "x"));
    file(2, "report.txt", "header\nrun 1\nfooter\n");
    two = with(two, "report.txt");

    AttemptDiff.Result diff = AttemptDiff.compare(one, two, files);

    assertThat(diff.a().number()).isEqualTo(1);
    assertThat(diff.b().number()).isEqualTo(2);
    assertThat(diff.artifacts().added()).containsExactly("new.txt");
    assertThat(diff.artifacts().removed()).containsExactly("gone.txt");
    assertThat(diff.artifacts().unchanged()).isEqualTo(1);
    assertThat(diff.artifacts().changedFiles())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.path()).isEqualTo("report.txt");
              assertThat(change.kind()).isEqualTo("text");
              assertThat(change.truncated()).isFalse();
              assertThat(change.diff())
                  .containsSubsequence(
                      "--- attempt-1/report.txt",
                      "+++ attempt-2/report.txt",
                      " header",
                      "-run 0",
                      "+run 1",
                      " footer");
            });
    assertThat(diff.failure().differs()).containsExactly("message");
    assertThat(diff.inputs().changed()).isFalse();
  }

  @Test
  void shouldSayWhichParametersAndInputFilesChangedAndWhichChecksFlipped() {
    AttemptManifest one =
        manifest(
            1,
            "same",
            Map.of("lint", false, "tests", true),
            Map.of("mode", "1".repeat(64), "token", "2".repeat(64)),
            Map.of("input/a.txt", fp("a"), "artifacts/build/x", fp("x")),
            Map.of());
    AttemptManifest two =
        manifest(
            2,
            "same",
            Map.of("lint", true, "tests", false),
            Map.of("mode", "1".repeat(64), "token", "3".repeat(64)),
            Map.of("input/a.txt", fp("b"), "input/new.txt", fp("n")),
            Map.of());

    AttemptDiff.Result diff = AttemptDiff.compare(one, two, files);

    assertThat(diff.inputs().changed()).isTrue();
    assertThat(diff.inputs().parameters()).containsExactly("token");
    assertThat(diff.inputs().added()).containsExactly("input/new.txt");
    assertThat(diff.inputs().removed()).containsExactly("artifacts/build/x");
    assertThat(diff.inputs().changedFiles()).containsExactly("input/a.txt");
    assertThat(diff.checks().newlyFailed()).containsExactly("tests");
    assertThat(diff.checks().newlyPassing()).containsExactly("lint");
    assertThat(diff.failure().differs()).containsExactly("failedChecks");
    assertThat(diff.artifacts().changed()).isFalse();
  }

  @Test
  void shouldNotDiffABinaryFile() {
    byte[] before = {1, 0, 2};
    byte[] after = {1, 0, 3};
    AttemptManifest one = withBytes(attempt(1, "m", Map.of()), 1, "blob.bin", before);
    AttemptManifest two = withBytes(attempt(2, "m", Map.of()), 2, "blob.bin", after);

    AttemptDiff.FileChange change =
        AttemptDiff.compare(one, two, files).artifacts().changedFiles().get(0);

    assertThat(change.kind()).isEqualTo("binary");
    assertThat(change.diff()).isEmpty();
    assertThat(change.sizeBefore()).isEqualTo(3);
  }

  @Test
  void shouldNotReadAFileOverTheTextLimit() {
    byte[] big = "a\n".repeat(AttemptDiff.MAX_TEXT_BYTES).getBytes(StandardCharsets.UTF_8);
    AttemptManifest one = withBytes(attempt(1, "m", Map.of()), 1, "big.txt", big);
    AttemptManifest two =
        withBytes(
            attempt(2, "m", Map.of()), 2, "big.txt", "small\n".getBytes(StandardCharsets.UTF_8));

    AttemptDiff.FileChange change =
        AttemptDiff.compare(one, two, files).artifacts().changedFiles().get(0);

    assertThat(change.kind()).isEqualTo("large");
    assertThat(change.sizeBefore()).isEqualTo(big.length);
    assertThat(reads).isEmpty();
  }

  @Test
  void shouldCutALongDiffAndMarkItTruncated() {
    StringBuilder before = new StringBuilder();
    StringBuilder after = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      before.append("line ").append(i).append('\n');
      after.append("LINE ").append(i).append('\n');
    }
    AttemptManifest one = with(attempt(1, "m", Map.of()), 1, "log.txt", before.toString());
    AttemptManifest two = with(attempt(2, "m", Map.of()), 2, "log.txt", after.toString());

    AttemptDiff.FileChange change =
        AttemptDiff.compare(one, two, files).artifacts().changedFiles().get(0);

    assertThat(change.kind()).isEqualTo("text");
    assertThat(change.truncated()).isTrue();
    assertThat(change.diff()).hasSize(AttemptDiff.MAX_DIFF_LINES);
  }

  @Test
  void shouldNeverReadAPathThatLeadsOutOfTheArchive() {
    for (String crafted :
        List.of(
            "../../../etc/passwd", "/etc/passwd", "a/../../b", "a\\..\\b", "C:/x", "a//b", "")) {
      reads.clear();
      AttemptManifest one =
          manifest(1, "m", Map.of(), Map.of(), Map.of(), Map.of(crafted, fp("1")));
      AttemptManifest two =
          manifest(2, "m", Map.of(), Map.of(), Map.of(), Map.of(crafted, fp("2")));

      AttemptDiff.FileChange change =
          AttemptDiff.compare(one, two, files).artifacts().changedFiles().get(0);

      assertThat(change.kind()).as(crafted).isEqualTo("unsafe-path");
      assertThat(reads).as(crafted).isEmpty();
    }
  }

  @Test
  void shouldCallAFileUnavailableWhenItsArchivedCopyIsGoneOrNotTheManifestsOne() {
    AttemptManifest one = with(attempt(1, "m", Map.of()), 1, "a.txt", "one\n");
    AttemptManifest two = with(attempt(2, "m", Map.of()), 2, "a.txt", "two\n");
    archives.get(2).put("a.txt", "tampered\n".getBytes(StandardCharsets.UTF_8));

    AttemptDiff.FileChange change =
        AttemptDiff.compare(one, two, files).artifacts().changedFiles().get(0);

    assertThat(change.kind()).isEqualTo("unavailable");
    assertThat(change.diff()).isEmpty();
  }

  @Test
  void shouldGiveATextDiffToAtMostTwentyFiles() {
    AttemptManifest one = attempt(1, "m", Map.of());
    AttemptManifest two = attempt(2, "m", Map.of());
    for (int i = 0; i < AttemptDiff.MAX_TEXT_DIFFS + 5; i++) {
      one = with(one, 1, "f" + (100 + i) + ".txt", "a\n");
      two = with(two, 2, "f" + (100 + i) + ".txt", "b\n");
    }

    List<AttemptDiff.FileChange> changed =
        AttemptDiff.compare(one, two, files).artifacts().changedFiles();

    assertThat(changed).hasSize(AttemptDiff.MAX_TEXT_DIFFS + 5);
    assertThat(changed.stream().filter(c -> c.kind().equals("text"))).hasSize(20);
    assertThat(changed.get(changed.size() - 1).kind()).isEqualTo("not-diffed");
  }

  // ---- helpers

  private static FileFingerprint fp(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new FileFingerprint(bytes.length, AttemptDigests.sha256Hex(bytes));
  }

  private void file(int attempt, String path, String content) {
    archives
        .computeIfAbsent(attempt, n -> new HashMap<>())
        .put(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private AttemptManifest attempt(int number, String message, Map<String, String> artifacts) {
    Map<String, FileFingerprint> fingerprints = new TreeMap<>();
    artifacts.forEach(
        (path, content) -> {
          file(number, path, content);
          fingerprints.put(path, fp(content));
        });
    return manifest(number, message, Map.of(), Map.of(), Map.of(), fingerprints);
  }

  /** The manifest with the archived file {@code path} of its attempt added to its artifacts. */
  private AttemptManifest with(AttemptManifest m, String path) {
    byte[] bytes = archives.get(m.attemptNumber()).get(path);
    return withFingerprint(
        m, path, new FileFingerprint(bytes.length, AttemptDigests.sha256Hex(bytes)));
  }

  private AttemptManifest with(AttemptManifest m, int number, String path, String content) {
    return withBytes(m, number, path, content.getBytes(StandardCharsets.UTF_8));
  }

  private AttemptManifest withBytes(AttemptManifest m, int number, String path, byte[] bytes) {
    archives.computeIfAbsent(number, n -> new HashMap<>()).put(path, bytes);
    return withFingerprint(
        m, path, new FileFingerprint(bytes.length, AttemptDigests.sha256Hex(bytes)));
  }

  private static AttemptManifest withFingerprint(
      AttemptManifest m, String path, FileFingerprint fingerprint) {
    Map<String, FileFingerprint> artifacts = new TreeMap<>(m.artifacts());
    artifacts.put(path, fingerprint);
    return manifest(
        m.attemptNumber(), m.message(), m.checks(), m.parameters(), m.inputs(), artifacts);
  }

  private static AttemptManifest manifest(
      int number,
      String message,
      Map<String, Boolean> checks,
      Map<String, String> parameters,
      Map<String, FileFingerprint> inputs,
      Map<String, FileFingerprint> artifacts) {
    return new AttemptManifest(
        AttemptManifest.VERSION,
        "exec_1",
        "build",
        number,
        "COMMAND_FAILED",
        "COMMAND_FAILED",
        message,
        checks.entrySet().stream()
            .filter(e -> !e.getValue())
            .map(Map.Entry::getKey)
            .sorted()
            .toList(),
        checks,
        parameters,
        inputs,
        artifacts,
        AttemptDigests.inputsDigest(parameters, inputs),
        AttemptDigests.artifactsDigest(artifacts));
  }
}
