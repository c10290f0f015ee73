package dev.redrive.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IndexCursorTest {

  @Test
  void readsBackWhatItWritesToTheMicrosecond() {
    IndexCursor cursor =
        new IndexCursor(Instant.parse("2026-11-23T15:41:51.268123Z"), "exec_05baf1f4c645");

    assertThat(cursor.toString()).isEqualTo("1795448511268123~exec_05baf1f4c645");
    assertThat(IndexCursor.parse(cursor.toString())).isEqualTo(cursor);
    IndexCursor beforeEpoch = new IndexCursor(Instant.parse("1969-12-31T23:59:59.5Z"), "x");
    assertThat(IndexCursor.parse(beforeEpoch.toString())).isEqualTo(beforeEpoch);
  }

  @Test
  void refusesWhatIsNotACursor() {
    for (String bad :
        new String[] {
          "", "~exec", "123~", "abc~exec", "123~exec/../x", "123~" + "x".repeat(129), "123", null
        }) {
      assertThatThrownBy(() -> IndexCursor.parse(bad))
          .as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
