package dev.redrive.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Keeps server data from driving the terminal: every C0 and C1 control character except newline and
 * tab (ESC, CR, BEL, backspace, DEL, the C1 range 0x80-0x9F with its CSI) is written as a visible
 * {@code \xNN}, so phase output that contains terminal escape sequences is shown, not obeyed.
 * {@link Console} wraps both of its writers in it, so every command prints through it.
 */
final class TerminalText {

  private TerminalText() {}

  /** Whether {@code c} is shown escaped: C0 controls but newline and tab, DEL, and C1 controls. */
  static boolean isControl(char c) {
    return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
  }

  /** {@code text} with every control character of {@link #isControl} as {@code \xNN}. */
  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder safe = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      append(safe, text.charAt(i));
    }
    return safe.toString();
  }

  /** A writer that escapes, in front of {@code out}; flushing on println as {@code out} did. */
  static PrintWriter safe(PrintWriter out) {
    if (out == null) {
      return null;
    }
    return new PrintWriter(new EscapingWriter(out), true);
  }

  private static void append(StringBuilder to, char c) {
    if (isControl(c)) {
      to.append(String.format("\\x%02x", (int) c));
    } else {
      to.append(c);
    }
  }

  private static final class EscapingWriter extends FilterWriter {

    private EscapingWriter(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      out.write(escape(String.valueOf((char) c)));
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
      out.write(escape(new String(buffer, offset, length)));
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
      out.write(escape(text.substring(offset, offset + length)));
    }
  }
}
