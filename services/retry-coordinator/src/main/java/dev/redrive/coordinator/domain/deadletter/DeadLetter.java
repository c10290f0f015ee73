package dev.redrive.coordinator.domain.deadletter;

import java.time.Instant;
import java.util.List;

/**
 * A record in a dead-letter topic, with what its headers say about where it came from and why.
 *
 * @param at where it is in the dead-letter topic
 * @param originalTopic the topic it came from: the dead-letter topic's name without {@code .DLT}
 *     (where Redrive's routing puts it; a header is not trusted for where a replay sends it)
 * @param originalPartition its partition there; -1 when the header is missing
 * @param originalOffset its offset there; -1 when the header is missing
 * @param group the consumer group that dead-lettered it; null when unknown
 * @param reason why ({@code redrive-dlt-reason}, else the exception message); null when unknown
 * @param timestamp the record's timestamp (Spring copies the original record's)
 * @param key its key (the execution id for Redrive's topics); null when it had none
 * @param headers every header, in order
 * @param value its value; null when it was dead-lettered without one (too large to copy)
 * @param replayCount replays it went through before it was dead-lettered ({@code
 *     redrive-replay-count}); 0 for a first-time dead letter, more for a re-parked one
 */
public record DeadLetter(
    DeadLetterCoordinates at,
    String originalTopic,
    int originalPartition,
    long originalOffset,
    String group,
    String reason,
    Instant timestamp,
    String key,
    List<Header> headers,
    byte[] value,
    int replayCount) {

  /** One header; its value may be null. */
  public record Header(String name, byte[] value) {}

  public DeadLetter {
    headers = List.copyOf(headers);
  }

  /** Whether it was replayed once and failed again. */
  public boolean reparked() {
    return replayCount > 0;
  }

  /** The size of its value in bytes; 0 without one. */
  public int valueSize() {
    return value == null ? 0 : value.length;
  }
}
