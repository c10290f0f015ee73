package dev.redrive.coordinator.domain.deadletter;

import java.util.Comparator;

/**
 * Where a dead letter is: its dead-letter topic, partition and offset. Written {@code
 * <topic>/<partition>/<offset>}, e.g. {@code redrive.attempts.DLT/0/42}.
 */
public record DeadLetterCoordinates(String topic, int partition, long offset)
    implements Comparable<DeadLetterCoordinates> {

  private static final Comparator<DeadLetterCoordinates> ORDER =
      Comparator.comparing(DeadLetterCoordinates::topic)
          .thenComparingInt(DeadLetterCoordinates::partition)
          .thenComparingLong(DeadLetterCoordinates::offset);

  public DeadLetterCoordinates {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("a dead letter's topic is required");
    }
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "partition and offset are 0 or more, were %d and %d".formatted(partition, offset));
    }
  }

  /**
   * Reads {@code <topic>/<partition>/<offset>}.
   *
   * @throws IllegalArgumentException saying what the text should look like
   */
  public static DeadLetterCoordinates parse(String text) {
    int last = text == null ? -1 : text.lastIndexOf('/');
    int middle = last <= 0 ? -1 : text.lastIndexOf('/', last - 1);
    if (middle <= 0) {
      throw new IllegalArgumentException(
          "coordinates are <dead-letter topic>/<partition>/<offset>, e.g. redrive.attempts.DLT/0/42");
    }
    try {
      return new DeadLetterCoordinates(
          text.substring(0, middle),
          Integer.parseInt(text.substring(middle + 1, last)),
          Long.parseLong(text.substring(last + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "partition and offset are whole numbers in <dead-letter topic>/<partition>/<offset>");
    }
  }

  @Override
  public int compareTo(DeadLetterCoordinates other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return topic + "/" + partition + "/" + offset;
  }
}
