package dev.redrive.support.outbox;

/**
 * Text from events and from Kafka's errors made safe for one log line: control characters (CR, LF
 * and the others) become escapes such as {@code \n} or {@code \\u001b}, and long text is cut.
 */
final class Escaped {

  /** Longest text kept; the rest is replaced by a note of how much was cut. */
  static final int MAX_CHARS = 500;

  private Escaped() {}

  static String text(String value) {
    return text(value, MAX_CHARS);
  }

  static String text(String value, int maxChars) {
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), maxChars);
    StringBuilder out = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (value.length() > end) {
      out.append("...(").append(value.length() - end).append(" more characters)");
    }
    return out.toString();
  }

  /** The exception and its causes, each as {@code Class: message}, joined by {@code " <- "}. */
  static String causes(Throwable failure) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
      if (depth > 0) {
        out.append(" <- ");
      }
      out.append(t.getClass().getName());
      if (t.getMessage() != null) {
        out.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text(out.toString(), 4 * MAX_CHARS);
  }
}
