package dev.redrive.support.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

  private static final long DEC_7_2026 = 1_796_601_600_000L;

  @Test
  void shouldMakeVersion7UuidsThatCarryTheirMillisecond() {
    UUID id = UUID.fromString(new TimeOrderedIds(() -> DEC_7_2026).nextUuid());

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(DEC_7_2026);
  }

  @Test
  void shouldSortIdsOfLaterMillisecondsAfterEarlierOnesAsText() {
    AtomicLong now = new AtomicLong(DEC_7_2026);
    TimeOrderedIds ids = new TimeOrderedIds(now::get);
    List<String> uuids = new ArrayList<>();
    List<String> prefixed = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      uuids.add(ids.nextUuid());
      prefixed.add(ids.nextPrefixed("att_"));
      now.addAndGet(1);
    }

    assertThat(uuids).isSorted();
    assertThat(prefixed).isSorted();
  }

  @Test
  void shouldMakePrefixedIdsOfTwelveTimeAndTwelveRandomHexDigits() {
    String id = new TimeOrderedIds(() -> DEC_7_2026).nextPrefixed("att_");

    assertThat(id).matches("att_[0-9a-f]{24}");
    assertThat(Long.parseLong(id.substring(4, 16), 16)).isEqualTo(DEC_7_2026);
  }

  @Test
  void shouldMakeDifferentIdsWithinOneMillisecond() {
    TimeOrderedIds ids = new TimeOrderedIds(() -> DEC_7_2026);
    Set<String> uuids = new HashSet<>();
    Set<String> prefixed = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      uuids.add(ids.nextUuid());
      prefixed.add(ids.nextPrefixed("cmd_"));
    }

    assertThat(uuids).hasSize(100_000);
    assertThat(prefixed).hasSize(100_000);
  }

  @Test
  void shouldMakeIdsFromTheSystemClock() {
    long before = System.currentTimeMillis();
    UUID id = UUID.fromString(TimeOrderedIds.uuid());

    assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis());
    assertThat(TimeOrderedIds.prefixed("cp_")).startsWith("cp_").hasSize(27);
  }
}
