package dev.redrive.support.log;

/**
 * Free text from Kafka or REST made safe for one log line: CR and LF become {@code \r} and {@code
 * \n}, every other C0/C1 control character (ESC, NUL, DEL, U+0085 NEXT LINE...) and the Unicode
 * line and paragraph separators become {@code \xNN} / {@code \\uNNNN}. A {@code reason} or {@code
 * requestedBy} that contains a newline can then never start a forged log line of its own. Use it on
 * every value that a client or another system chose, wherever it is logged.
 */
public final class LogText {

  private LogText() {}

  /** {@code value} as text with its control characters escaped; "null" for null. */
  public static String escape(Object value) {
    String text = String.valueOf(value);
    int first = firstUnsafe(text);
    if (first < 0) {
      return text;
    }
    StringBuilder safe = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        safe.append("\\n");
      } else if (c == '\r') {
        safe.append("\\r");
      } else if (c == '\u2028' || c == '\u2029') {
        safe.append(String.format("\\u%04x", (int) c));
      } else if (isControl(c)) {
        safe.append(String.format("\\x%02x", (int) c));
      } else {
        safe.append(c);
      }
    }
    return safe.toString();
  }

  private static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c) || c == '\u2028' || c == '\u2029') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
  }
}
