package dev.redrive.coordinator.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes two failures "the same failure": the failure type, the error type and the message with
 * whatever changes from run to run masked (ids, numbers, paths, URLs, times, quoted values), and
 * the names of the failed checks. Two failures with the same fingerprint failed the same way; on
 * unchanged inputs and artifacts a retry would run the same thing again.
 *
 * @param id a short stable id: {@code fp_} and the first 12 hex digits of the SHA-256 of the parts
 * @param text what people read: {@code COMMAND_FAILED: connection to <host>:<n> refused}
 * @param errorClass a coarse class for metrics: the failure type and the masked error type (see
 *     {@link #classOf})
 */
public record ErrorFingerprint(String id, String text, String errorClass) {

  /** Characters of a message that are read; the rest of a long message does not count. */
  public static final int MAX_MESSAGE_CHARS = 4096;

  /** Characters of an error type that are read. */
  public static final int MAX_ERROR_TYPE_CHARS = 256;

  /** Characters of the text people read (the id is computed from the whole masked message). */
  public static final int MAX_TEXT_CHARS = 500;

  /** Characters of the masked error type in a metrics class. */
  static final int MAX_CLASS_ERROR_TYPE_CHARS = 48;

  /** The form of an id: {@code fp_} and 12 lower-case hex digits. */
  public static final Pattern ID = Pattern.compile("fp_[0-9a-f]{12}");

  private static final HexFormat HEX = HexFormat.of();

  /** Masks, applied in this order: each one sees what the ones before it left. */
  private static final List<Mask> MASKS =
      List.of(
          new Mask("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s'\"<>)\\]]+", "<url>"),
          new Mask(
              "(?i)(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                  + "(?![0-9a-z])",
              "<uuid>"),
          // quotes: an apostrophe inside a word (can't) opens nothing
          new Mask("(?<!\\w)'[^'\\n]{0,200}'(?!\\w)", "<str>"),
          new Mask("\"[^\"\\n]{0,200}\"", "<str>"),
          new Mask("`[^`\\n]{0,200}`", "<str>"),
          // a source file's line: keep the file (it says where), mask the line
          new Mask(
              "(?i)(\\.(?:java|kt|scala|groovy|py|js|mjs|ts|go|rb|rs|c|cc|cpp|h|hpp|cs|php|swift"
                  + "|sh|sql|ya?ml|json|xml|toml)):\\d+(?::\\d+)?",
              "$1:<n>"),
          new Mask("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b", "<host>"),
          new Mask("(?i)(?<![\\w.-])[a-z]:\\\\[^\\s'\"]+", "<path>"),
          new Mask("(?<![\\w.~/<>-])~?/[\\w.@%+=,~-]+(?:/[\\w.@%+=,~-]*)*", "<path>"),
          // a relative path: ./ or ../ first, two slashes or more, or a file with an extension
          // (not "I/O" or "HTTP/1.1")
          new Mask(
              "(?<![\\w/.<>-])(?:(?:\\.{1,2}/)+[\\w.@%+=,~-]+(?:/[\\w.@%+=,~-]+)*"
                  + "|[\\w@%+=,~-][\\w.@%+=,~-]*(?:/[\\w.@%+=,~-]+){2,}"
                  + "|[\\w@%+=,~-][\\w.@%+=,~-]*/[\\w@%+=,~-]*\\.[A-Za-z][A-Za-z0-9]{0,7}(?![\\w.]))/?",
              "<path>"),
          new Mask(
              "\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?"
                  + "(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b",
              "<time>"),
          new Mask("\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b", "<time>"),
          new Mask("(?i)\\b[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?=:\\d)", "<host>"),
          new Mask("(?i)\\blocalhost(?=:\\d)", "<host>"),
          new Mask("(?i)\\b0x[0-9a-f]+\\b", "<hex>"),
          new Mask("(?i)(?<![0-9a-z])(?=[0-9a-f]*\\d)[0-9a-f]{8,}(?![0-9a-z])", "<hex>"),
          new Mask("(?i)(?<![a-z0-9])[+-]?\\d+(?:[.,]\\d+)*(?![0-9])", "<n>"),
          new Mask("\\s+", " "));

  private record Mask(Pattern pattern, String replacement) {
    Mask(String regex, String replacement) {
      this(Pattern.compile(regex), replacement);
    }

    String apply(String text) {
      Matcher matcher = pattern.matcher(text);
      return matcher.find() ? matcher.replaceAll(replacement) : text;
    }
  }

  public ErrorFingerprint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(errorClass, "errorClass");
  }

  /** The fingerprint of a failure. */
  public static ErrorFingerprint of(Failure failure) {
    return of(
        failure.type(),
        failure.errorType(),
        failure.message(),
        failure.failedChecks().stream().map(CheckOutcome::name).toList());
  }

  /**
   * The fingerprint of a failure's parts.
   *
   * @param failedChecks the names of the checks that did not pass, in any order
   */
  public static ErrorFingerprint of(
      FailureType type, String errorType, String message, List<String> failedChecks) {
    String key = type.name() + '\u0000' + errorType + '\u0000' + message + '\u0000' + failedChecks;
    ErrorFingerprint known = RECENT.get(key);
    if (known != null) {
      return known;
    }
    ErrorFingerprint computed = compute(type, errorType, message, failedChecks);
    if (RECENT.size() >= RECENT_MAX) {
      RECENT.clear();
    }
    RECENT.put(key, computed);
    return computed;
  }

  /**
   * Fingerprints of the failures seen lately, by their parts: the same failure is fingerprinted
   * several times on its way (stored, decided, compared with the next one), and failures repeat, so
   * the masking runs once for each. Bounded: emptied when full.
   */
  private static final Map<String, ErrorFingerprint> RECENT = new ConcurrentHashMap<>();

  private static final int RECENT_MAX = 4096;

  private static ErrorFingerprint compute(
      FailureType type, String errorType, String message, List<String> failedChecks) {
    String maskedType = normalise(errorType, MAX_ERROR_TYPE_CHARS);
    String maskedMessage = normalise(message, MAX_MESSAGE_CHARS);
    List<String> checks =
        failedChecks.stream()
            .filter(Objects::nonNull)
            .map(name -> name.strip())
            .distinct()
            .sorted()
            .toList();
    String parts =
        type.name() + "\n" + maskedType + "\n" + maskedMessage + "\n" + String.join("\n", checks);
    return new ErrorFingerprint(
        "fp_" + HEX.formatHex(sha256(parts), 0, 6),
        bounded(text(type, maskedType, maskedMessage, checks), MAX_TEXT_CHARS),
        classOf(type, maskedType));
  }

  /**
   * A message with whatever changes from run to run masked ({@code <uuid>}, {@code <hex>}, {@code
   * <n>}, {@code <str>}, {@code <path>}, {@code <url>}, {@code <time>}, {@code <host>}) and
   * whitespace collapsed; only the first {@code maxChars} characters are read. Null is empty.
   */
  public static String normalise(String message, int maxChars) {
    if (message == null) {
      return "";
    }
    String text = message.length() <= maxChars ? message : message.substring(0, maxChars);
    for (Mask mask : MASKS) {
      text = mask.apply(text);
    }
    return text.strip();
  }

  /**
   * The class of a fingerprint for metrics: the failure type and the masked error type, shortened
   * ({@code COMMAND_FAILED/exit code <n>}). Coarser than the id; a meter still bounds how many it
   * keeps.
   */
  static String classOf(FailureType type, String maskedErrorType) {
    String errorType = bounded(maskedErrorType, MAX_CLASS_ERROR_TYPE_CHARS);
    return errorType.isEmpty() ? type.name() : type.name() + "/" + errorType;
  }

  private static String text(
      FailureType type, String maskedType, String maskedMessage, List<String> checks) {
    StringBuilder text = new StringBuilder(type.name()).append(':');
    if (!maskedType.isEmpty() && !maskedMessage.startsWith(maskedType)) {
      text.append(' ').append(maskedType).append(':');
    }
    if (!maskedMessage.isEmpty()) {
      text.append(' ').append(maskedMessage);
    }
    if (!checks.isEmpty()) {
      text.append(" [failed checks: ").append(String.join(", ", checks)).append(']');
    }
    return text.toString();
  }

  private static String bounded(String text, int maxChars) {
    return text.length() <= maxChars ? text : text.substring(0, maxChars - 3) + "...";
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
