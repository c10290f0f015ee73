package dev.redrive.runner.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The two digests a failed attempt is reported with ({@code AttemptFailed.inputsDigest} and {@code
 * artifactsDigest}): SHA-256 (lower-case hex) over what the attempt read and over what it left in
 * its {@code artifacts/<phase>/} folder. Both are stable: computed over entries sorted by name,
 * from paths, sizes and content hashes only, never from timestamps, the attempt number or the
 * archive's path; each entry is length-prefixed, so no two different sets hash alike by a crafted
 * name.
 *
 * @param inputs over the phase's declared parameters ({@link #parameterHashes}) and the files of
 *     the input checkpoint and of the earlier phases' checkpoints
 * @param artifacts over the files of {@code artifacts/<phase>/}, by path relative to it
 */
public record AttemptDigests(String inputs, String artifacts) {

  /** What a declared parameter that the execution does not set hashes to. */
  public static final String UNSET = "unset";

  /**
   * The declared inputs' values as SHA-256 hashes, never the values (a parameter can be a secret).
   * Each is salted with the execution id and the name, so equal values of two executions do not
   * hash alike and a short secret cannot be looked up in a table made once for all.
   */
  public static SortedMap<String, String> parameterHashes(
      String executionId, List<String> declared, Map<String, String> parameters) {
    SortedMap<String, String> hashes = new TreeMap<>();
    for (String name : declared) {
      String value = parameters.get(name);
      hashes.put(
          name,
          value == null
              ? UNSET
              : sha256Hex(
                  lengthPrefixed("parameter", executionId, name, value)
                      .getBytes(StandardCharsets.UTF_8)));
    }
    return hashes;
  }

  /** The digest of what an attempt read: its parameters' hashes and its input files. */
  public static String inputsDigest(
      Map<String, String> parameterHashes, Map<String, FileFingerprint> inputFiles) {
    StringBuilder text = new StringBuilder("redrive-inputs-v1\n");
    new TreeMap<>(parameterHashes)
        .forEach((name, hash) -> text.append(lengthPrefixed("p", name, hash)).append('\n'));
    appendFiles(text, inputFiles);
    return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The digest of an attempt's artifacts, by path relative to its artifacts folder. */
  public static String artifactsDigest(Map<String, FileFingerprint> artifacts) {
    StringBuilder text = new StringBuilder("redrive-artifacts-v1\n");
    appendFiles(text, artifacts);
    return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void appendFiles(StringBuilder text, Map<String, FileFingerprint> files) {
    new TreeMap<>(files)
        .forEach(
            (path, file) ->
                text.append(lengthPrefixed("f", path, Long.toString(file.size()), file.sha256()))
                    .append('\n'));
  }

  private static String lengthPrefixed(String... parts) {
    StringBuilder text = new StringBuilder();
    for (String part : parts) {
      text.append(part.length()).append(':').append(part).append(';');
    }
    return text.toString();
  }

  /** SHA-256 of bytes, lower-case hex. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
