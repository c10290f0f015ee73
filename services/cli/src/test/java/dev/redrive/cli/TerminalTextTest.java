package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void shouldShowEscapeSequencesInsteadOfWritingThem() {
    assertThat(TerminalText.escape("\u001b[2J\u001b]0;owned\u0007done"))
        .isEqualTo("\\x1b[2J\\x1b]0;owned\\x07done");
  }

  @Test
  void shouldEscapeCarriageReturnBackspaceDelAndC1ButKeepNewlineAndTab() {
    assertThat(TerminalText.escape("a\rb\bc\u007fd\u009b31me\u0085f\ng\th"))
        .isEqualTo("a\\x0db\\x08c\\x7fd\\x9b31me\\x85f\ng\th");
  }

  @Test
  void shouldLeaveOrdinaryTextAndUnicodeAlone() {
    assertThat(TerminalText.escape("build · попытка 1 ✓")).isEqualTo("build · попытка 1 ✓");
    assertThat(TerminalText.escape(null)).isNull();
  }

  @Test
  void shouldEscapeWhateverIsPrintedThroughTheSafeWriter() {
    StringWriter target = new StringWriter();
    PrintWriter out = TerminalText.safe(new PrintWriter(target));

    out.print('\u001b');
    out.print("[31mred");
    out.println(new char[] {'\u0007'});
    out.printf("%s%n", "x\u009by");

    assertThat(target.toString()).isEqualTo("\\x1b[31mred\\x07\nx\\x9by\n");
  }
}
