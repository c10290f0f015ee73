package dev.redrive.support.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

  @Test
  void shouldKeepAForgedLogLineOnTheLineOfTheRealOne() {
    String reason = "ok\n2026-12-02 INFO  RetryCoordinator : retry approved by admin\r\n";

    assertThat(LogText.escape(reason))
        .isEqualTo("ok\\n2026-12-02 INFO  RetryCoordinator : retry approved by admin\\r\\n")
        .doesNotContain("\n", "\r");
  }

  @Test
  void shouldEscapeOtherControlCharactersAndUnicodeLineBreaks() {
    assertThat(LogText.escape("a\u001b[31mb\u0000c\u0085d\u2028e\u007f"))
        .isEqualTo("a\\x1b[31mb\\x00c\\x85d\\u2028e\\x7f");
  }

  @Test
  void shouldLeaveOrdinaryTextTabsAndNullAsTheyAre() {
    String plain = "alice (ops)\tretry · ✓";
    assertThat(LogText.escape(plain)).isSameAs(plain);
    assertThat(LogText.escape(null)).isEqualTo("null");
    assertThat(LogText.escape(42)).isEqualTo("42");
  }
}
