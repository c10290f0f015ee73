package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SseTextTest {

  @Test
  void shouldWriteAnOrdinaryEvent() {
    assertThat(SseText.unwritable("e-1", "AttemptFailed", "{\"a\":\"b\\nc\"}")).isNull();
  }

  @Test
  void shouldRefuseALineBreakInTheIdTypeOrDataAndANulInTheId() {
    assertThat(SseText.unwritable("e-1\ndata: forged", "AttemptFailed", "{}")).contains("id");
    assertThat(SseText.unwritable("e-1\r", "AttemptFailed", "{}")).contains("id");
    assertThat(SseText.unwritable("e\u00001", "AttemptFailed", "{}")).contains("id");
    assertThat(SseText.unwritable("e-1", "Attempt\nFailed", "{}")).contains("type");
    assertThat(SseText.unwritable("e-1", "AttemptFailed", "{\n}")).contains("data");
    assertThat(SseText.unwritable(null, "AttemptFailed", "{}")).contains("id");
  }
}
