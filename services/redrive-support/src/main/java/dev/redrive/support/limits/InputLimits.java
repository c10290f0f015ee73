package dev.redrive.support.limits;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The size and charset of every field where data enters Redrive (a REST request, a consumed event),
 * in one place. Each check throws {@link FieldLimitException} naming the field, the limit and what
 * to change; none repeats the refused value (it may be hostile).
 *
 * <ul>
 *   <li>ids (execution, event, request, command, attempt, correlation): 1 to {@value #MAX_ID_CHARS}
 *       of {@code A-Z a-z 0-9 . _ : @ -}, never {@code ..}
 *   <li>names (pipeline, phase, source, requestedBy, error type, check name): at most {@value
 *       #MAX_NAME_CHARS} characters, no control characters
 *   <li>paths (file names, artifact locations): at most {@value #MAX_PATH_BYTES} bytes, no NUL
 *   <li>notes and reasons a person writes: {@link #maxNoteBytes()}; any other free text (error
 *       messages, excerpts, reports): {@link #maxTextBytes()}; neither may contain NUL
 *   <li>parameters: {@link #maxParameters()} entries, keys of {@code A-Z a-z 0-9 _ . -} up to
 *       {@value #MAX_PARAMETER_KEY_CHARS}, each value {@link #maxParameterBytes()}, all of them
 *       together {@link #maxParametersBytes()}
 *   <li>input files of a start request: {@link #maxInputFiles()}, each {@link #maxInputFileBytes()}
 *       decoded, all together {@link #maxInputBytes()}
 * </ul>
 *
 * @param maxTextBytes UTF-8 bytes of one free-text field
 * @param maxNoteBytes UTF-8 bytes of a person's note or reason
 * @param maxParameters parameters of one execution
 * @param maxParameterBytes UTF-8 bytes of one parameter value
 * @param maxParametersBytes UTF-8 bytes of all parameter keys and values together
 * @param maxInputFiles input files of one start request
 * @param maxInputFileBytes decoded bytes of one input file
 * @param maxInputBytes decoded bytes of all input files of one start request
 */
public record InputLimits(
    int maxTextBytes,
    int maxNoteBytes,
    int maxParameters,
    int maxParameterBytes,
    int maxParametersBytes,
    int maxInputFiles,
    long maxInputFileBytes,
    long maxInputBytes) {

  public static final int MAX_ID_CHARS = 128;
  public static final int MAX_NAME_CHARS = 256;
  public static final int MAX_PATH_BYTES = 4096;
  public static final int MAX_PARAMETER_KEY_CHARS = 128;
  public static final int MAX_ATTRIBUTES = 256;
  public static final int MAX_ITEMS = 10_000;

  public static final String TEXT_SETTING = "redrive.limits.max-text-bytes";
  public static final String NOTE_SETTING = "redrive.limits.max-note-bytes";
  public static final String PARAMETERS_SETTING = "redrive.limits.max-parameters";
  public static final String PARAMETER_SETTING = "redrive.limits.max-parameter-bytes";
  public static final String PARAMETERS_BYTES_SETTING = "redrive.limits.max-parameters-bytes";
  public static final String INPUT_FILES_SETTING = "redrive.limits.max-input-files";
  public static final String INPUT_FILE_SETTING = "redrive.limits.max-input-file-bytes";
  public static final String INPUT_SETTING = "redrive.limits.max-input-bytes";

  private static final Pattern PARAMETER_KEY = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String ID_RULE =
      "an id is 1 to %d of A-Z a-z 0-9 . _ : @ - without '..'".formatted(MAX_ID_CHARS);

  /** The defaults of the {@code redrive.limits.*} settings. */
  public static InputLimits defaults() {
    return new InputLimits(262_144, 16_384, 64, 65_536, 262_144, 64, 8_388_608, 33_554_432);
  }

  /** An id; null is allowed (a missing optional id), empty is not. */
  public void id(String field, String value) {
    if (value == null) {
      return;
    }
    if (value.isEmpty()) {
      throw malformed(field, "charset", "%s: empty; %s".formatted(field, ID_RULE));
    }
    if (value.length() > MAX_ID_CHARS) {
      throw malformed(
          field,
          "length",
          "%s: %s characters, at most %d; use a shorter id"
              .formatted(field, number(value.length()), MAX_ID_CHARS));
    }
    int at = firstOutside(value);
    if (at >= 0) {
      throw malformed(
          field,
          "charset",
          "%s: character %s at index %d is not allowed; %s"
              .formatted(field, codePoint(value.codePointAt(at)), at, ID_RULE));
    }
    if (value.contains("..")) {
      throw malformed(field, "charset", "%s: contains '..'; %s".formatted(field, ID_RULE));
    }
  }

  /** A name (pipeline, phase, source, requestedBy...); null is allowed. */
  public void name(String field, String value) {
    if (value == null) {
      return;
    }
    if (value.length() > MAX_NAME_CHARS) {
      throw malformed(
          field,
          "length",
          "%s: %s characters, at most %d; use a shorter name"
              .formatted(field, number(value.length()), MAX_NAME_CHARS));
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw malformed(
            field,
            "charset",
            "%s: control character %s at index %d; a name is one line of printable characters"
                .formatted(field, codePoint(value.charAt(i)), i));
      }
    }
  }

  /** A file path (relative name, artifact location); null is allowed. */
  public void path(String field, String value) {
    if (value == null) {
      return;
    }
    bytes(field, value, MAX_PATH_BYTES, "a fixed limit");
    noNul(field, value);
  }

  /** A note or a reason a person wrote; null is allowed. */
  public void note(String field, String value) {
    if (value == null) {
      return;
    }
    bytes(field, value, maxNoteBytes, NOTE_SETTING);
    noNul(field, value);
  }

  /** Free text (an error message, an excerpt, a report); null is allowed. */
  public void text(String field, String value) {
    if (value == null) {
      return;
    }
    bytes(field, value, maxTextBytes, TEXT_SETTING);
    noNul(field, value);
  }

  /** An execution's parameters: how many, their keys, each value and all of them together. */
  public void parameters(String field, Map<String, String> parameters) {
    if (parameters == null) {
      return;
    }
    count(field, parameters.size(), maxParameters, PARAMETERS_SETTING);
    long total = 0;
    int index = 0;
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      String key = parameter.getKey();
      if (key == null
          || key.isEmpty()
          || key.length() > MAX_PARAMETER_KEY_CHARS
          || !PARAMETER_KEY.matcher(key).matches()) {
        throw malformed(
            field,
            "charset",
            "%s: the name of parameter %d is not 1 to %d of A-Z a-z 0-9 _ . -; rename it"
                .formatted(field, index, MAX_PARAMETER_KEY_CHARS));
      }
      String name = field + "." + key;
      if (parameter.getValue() == null) {
        throw malformed(
            name, "missing", "%s: null; give a value (an empty string is fine)".formatted(name));
      }
      bytes(name, parameter.getValue(), maxParameterBytes, PARAMETER_SETTING);
      noNul(name, parameter.getValue());
      total += utf8Length(key) + utf8Length(parameter.getValue());
      index++;
    }
    total(field, total, maxParametersBytes, PARAMETERS_BYTES_SETTING);
  }

  /** How many entries a list or a map has. */
  public void count(String field, int count, long max, String setting) {
    if (count > max) {
      throw malformed(
          field,
          "count",
          "%s: %s entries, at most %s (%s); send fewer"
              .formatted(field, number(count), number(max), setting));
    }
  }

  /** A size in bytes, e.g. a decoded input file or the total of them. */
  public void total(String field, long bytes, long max, String setting) {
    if (bytes > max) {
      throw tooLarge(field, bytes, max, setting);
    }
  }

  /** UTF-8 bytes of a string, without encoding it. */
  public static long utf8Length(CharSequence value) {
    long bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private void bytes(String field, String value, long max, String setting) {
    // a string of n chars has at most 3n UTF-8 bytes: count only what might be too long
    if ((long) value.length() * 3 > max) {
      total(field, utf8Length(value), max, setting);
    }
  }

  private static void noNul(String field, String value) {
    int at = value.indexOf('\0');
    if (at >= 0) {
      throw malformed(
          field,
          "charset",
          "%s: NUL character at index %d; remove it (text may not contain U+0000)"
              .formatted(field, at));
    }
  }

  private static FieldLimitException tooLarge(String field, long size, long max, String setting) {
    return new FieldLimitException(
        field,
        "size",
        true,
        "%s: %s bytes, at most %s (%s); send less or raise the setting"
            .formatted(field, number(size), number(max), setting));
  }

  private static FieldLimitException malformed(String field, String rule, String message) {
    return new FieldLimitException(field, rule, false, message);
  }

  /**
   * The index of the first character of {@code value} that an id may not have, or -1: a loop, not a
   * regular expression, since every id of every event is checked (a pattern's matcher was 2.8% of
   * the attempts consumers' samples, issue 16).
   */
  private static int firstOutside(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '@'
              || c == '-';
      if (!allowed) {
        return i;
      }
    }
    return -1;
  }

  private static String codePoint(int codePoint) {
    return "U+%04X".formatted(codePoint);
  }

  private static String number(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
