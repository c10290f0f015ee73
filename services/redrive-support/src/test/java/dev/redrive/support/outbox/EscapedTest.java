package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EscapedTest {

  @Test
  void shouldKeepALogLineOnOneLineAndCutLongText() {
    assertThat(Escaped.text("exec-1\nWARN forged\r\u001b[31m"))
        .isEqualTo("exec-1\\nWARN forged\\r\\u001b[31m");
    assertThat(Escaped.text("x".repeat(600))).hasSize(500 + "...(100 more characters)".length());
  }

  @Test
  void shouldNameEachCauseEscaped() {
    String causes =
        Escaped.causes(new IllegalStateException("outer\n", new IllegalArgumentException("inner")));

    assertThat(causes)
        .isEqualTo(
            "java.lang.IllegalStateException: outer\\n <- java.lang.IllegalArgumentException: inner");
  }
}
