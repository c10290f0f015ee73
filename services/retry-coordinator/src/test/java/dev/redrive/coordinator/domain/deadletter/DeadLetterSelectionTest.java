package dev.redrive.coordinator.domain.deadletter;

import static dev.redrive.coordinator.domain.deadletter.Letters.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterSelectionTest {

  private final Instant nine = Instant.parse("2026-12-06T09:00:00Z");
  private final Instant ten = Instant.parse("2026-12-06T10:00:00Z");
  private final DeadLetter letter =
      letter(5, "exec_a", "DeserializationException: Not Avro", nine, 0);

  @Test
  void shouldMatchWhenEveryPartGivenMatches() {
    assertThat(DeadLetterSelection.everything().matches(letter)).isTrue();
    assertThat(selection("redrive.attempts", "not avro", nine, ten, "exec_a").matches(letter))
        .isTrue();
    assertThat(selection("redrive.commands", null, null, null, null).matches(letter)).isFalse();
    assertThat(selection(null, "timeout", null, null, null).matches(letter)).isFalse();
    assertThat(selection(null, null, null, null, "exec_b").matches(letter)).isFalse();
  }

  @Test
  void shouldSelectFromInclusiveToExclusive() {
    assertThat(selection(null, null, nine, null, null).matches(letter)).isTrue();
    assertThat(selection(null, null, nine.plusMillis(1), null, null).matches(letter)).isFalse();
    assertThat(selection(null, null, null, nine, null).matches(letter)).isFalse();
    assertThatThrownBy(() -> selection(null, null, ten, nine, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldMatchOnlyTheNamedCoordinates() {
    DeadLetterSelection named =
        new DeadLetterSelection(
            null,
            null,
            null,
            null,
            null,
            List.of(DeadLetterCoordinates.parse("redrive.attempts.DLT/0/5")));

    assertThat(named.explicit()).isTrue();
    assertThat(named.matches(letter)).isTrue();
    assertThat(named.matches(letter(6))).isFalse();
    assertThat(named.describe()).isEqualTo("coordinates=[redrive.attempts.DLT/0/5]");
  }

  @Test
  void shouldDescribeItselfForTheAuditTrail() {
    assertThat(selection("redrive.attempts", "x", null, null, "exec_a").describe())
        .isEqualTo("topic=redrive.attempts reason~'x' key=exec_a");
    assertThat(DeadLetterSelection.everything().describe()).isEqualTo("every dead letter");
  }

  @Test
  void shouldReadAndWriteCoordinates() {
    DeadLetterCoordinates at = DeadLetterCoordinates.parse("billing.failures.DLT/2/42");

    assertThat(at).isEqualTo(new DeadLetterCoordinates("billing.failures.DLT", 2, 42));
    assertThat(at.toString()).isEqualTo("billing.failures.DLT/2/42");
    for (String bad : new String[] {"x", "/0/1", "t/a/1", "t/0/", "t/-1/3", "t/0"}) {
      assertThatThrownBy(() -> DeadLetterCoordinates.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static DeadLetterSelection selection(
      String topic, String reason, Instant from, Instant to, String key) {
    return new DeadLetterSelection(topic, reason, from, to, key, List.of());
  }
}
