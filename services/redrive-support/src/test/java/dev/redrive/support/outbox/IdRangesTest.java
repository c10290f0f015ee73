package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdRangesTest {

  @Test
  void shouldWriteConsecutiveIdsAsRanges() {
    assertThat(IdRanges.format(new long[] {3, 1, 2, 5, 7, 8, 9})).isEqualTo("1-3,5,7-9");
  }

  @Test
  void shouldReadBackWhatItWrote() {
    long[] ids = {10, 11, 12, 40, 41, 99};

    assertThat(IdRanges.parse(IdRanges.format(ids))).containsExactly(ids);
  }

  @Test
  void shouldReadNothingFromAnEmptyRecord() {
    assertThat(IdRanges.parse("")).isEmpty();
    assertThat(IdRanges.parse(null)).isEmpty();
    assertThat(IdRanges.format(new long[0])).isEmpty();
  }
}
