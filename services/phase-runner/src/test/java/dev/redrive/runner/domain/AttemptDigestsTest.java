package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digests are stable: order-independent, value-sensitive, and never carry a value. */
class AttemptDigestsTest {

  private static final FileFingerprint A = new FileFingerprint(3, "a".repeat(64));
  private static final FileFingerprint B = new FileFingerprint(4, "b".repeat(64));

  @Test
  void shouldGiveTheSameDigestWhateverTheOrderOfTheFiles() {
    Map<String, FileFingerprint> one = new LinkedHashMap<>();
    one.put("x.txt", A);
    one.put("y.txt", B);
    Map<String, FileFingerprint> other = new LinkedHashMap<>();
    other.put("y.txt", B);
    other.put("x.txt", A);

    assertThat(AttemptDigests.artifactsDigest(one))
        .isEqualTo(AttemptDigests.artifactsDigest(other))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void shouldChangeWhenAFileOrItsNameChanges() {
    String base = AttemptDigests.artifactsDigest(Map.of("x.txt", A));

    assertThat(AttemptDigests.artifactsDigest(Map.of("x.txt", B))).isNotEqualTo(base);
    assertThat(AttemptDigests.artifactsDigest(Map.of("z.txt", A))).isNotEqualTo(base);
    assertThat(AttemptDigests.artifactsDigest(Map.of())).isNotEqualTo(base);
  }

  @Test
  void shouldNotLetACraftedNameStandForTwoEntries() {
    // a name that contains what a separator-joined text of two entries would look like
    String one = AttemptDigests.artifactsDigest(Map.of("x", A, "y", B));
    String crafted = AttemptDigests.artifactsDigest(Map.of("x;1:3;64:" + A.sha256() + ";\nf;y", B));

    assertThat(crafted).isNotEqualTo(one);
  }

  @Test
  void shouldHashOnlyDeclaredParametersSaltedAndNeverKeepTheValue() {
    Map<String, String> parameters = Map.of("token", "s3cret", "mode", "fast", "other", "x");

    Map<String, String> hashes =
        AttemptDigests.parameterHashes("exec_1", List.of("token", "mode", "missing"), parameters);

    assertThat(hashes).containsOnlyKeys("missing", "mode", "token");
    assertThat(hashes.get("missing")).isEqualTo(AttemptDigests.UNSET);
    assertThat(hashes.get("token")).matches("[0-9a-f]{64}").doesNotContain("s3cret");
    assertThat(hashes.get("token"))
        .isNotEqualTo(
            AttemptDigests.sha256Hex("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(AttemptDigests.parameterHashes("exec_2", List.of("token"), parameters).get("token"))
        .isNotEqualTo(hashes.get("token"));
    assertThat(AttemptDigests.parameterHashes("exec_1", List.of("token"), parameters).get("token"))
        .isEqualTo(hashes.get("token"));
  }

  @Test
  void shouldTellInputsApartByParameterOrFile() {
    Map<String, String> hashes = Map.of("mode", "1".repeat(64));
    String base = AttemptDigests.inputsDigest(hashes, Map.of("input/a.txt", A));

    assertThat(AttemptDigests.inputsDigest(hashes, Map.of("input/a.txt", A))).isEqualTo(base);
    assertThat(
            AttemptDigests.inputsDigest(Map.of("mode", "2".repeat(64)), Map.of("input/a.txt", A)))
        .isNotEqualTo(base);
    assertThat(AttemptDigests.inputsDigest(hashes, Map.of("input/a.txt", B))).isNotEqualTo(base);
  }
}
