package dev.redrive.coordinator.domain.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which dead letters: of one original topic (null: of every dead-letter topic), whose reason
 * contains a piece of text (case-insensitive), written in {@code [from, to)}, with a key; or named
 * one by one by their coordinates. Every part is optional; the parts given must all match.
 */
public record DeadLetterSelection(
    String topic,
    String reason,
    Instant from,
    Instant to,
    String key,
    List<DeadLetterCoordinates> coordinates) {

  public DeadLetterSelection {
    coordinates = coordinates == null ? List.of() : List.copyOf(coordinates);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from (%s) must be before to (%s)".formatted(from, to));
    }
  }

  /** Everything in every dead-letter topic. */
  public static DeadLetterSelection everything() {
    return new DeadLetterSelection(null, null, null, null, null, List.of());
  }

  /** Whether dead letters are named by their coordinates rather than found by a filter. */
  public boolean explicit() {
    return !coordinates.isEmpty();
  }

  /** Whether this dead letter is selected. */
  public boolean matches(DeadLetter letter) {
    if (explicit() && !coordinates.contains(letter.at())) {
      return false;
    }
    if (topic != null && !topic.equals(letter.originalTopic())) {
      return false;
    }
    if (reason != null
        && (letter.reason() == null
            || !letter
                .reason()
                .toLowerCase(Locale.ROOT)
                .contains(reason.toLowerCase(Locale.ROOT)))) {
      return false;
    }
    if (from != null && (letter.timestamp() == null || letter.timestamp().isBefore(from))) {
      return false;
    }
    if (to != null && (letter.timestamp() == null || !letter.timestamp().isBefore(to))) {
      return false;
    }
    return key == null || key.equals(letter.key());
  }

  /** The selection in words, for the audit trail: {@code topic=redrive.attempts reason~'x'}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (topic != null) {
      parts.add("topic=" + topic);
    }
    if (reason != null) {
      parts.add("reason~'" + reason + "'");
    }
    if (from != null) {
      parts.add("from=" + from);
    }
    if (to != null) {
      parts.add("to=" + to);
    }
    if (key != null) {
      parts.add("key=" + key);
    }
    if (explicit()) {
      parts.add("coordinates=" + coordinates);
    }
    return parts.isEmpty() ? "every dead letter" : String.join(" ", parts);
  }
}
