package dev.redrive.coordinator.domain.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Dead letters for tests. */
public final class Letters {

  private Letters() {}

  /** A dead letter of redrive.attempts at offset {@code offset} of partition 0. */
  public static DeadLetter letter(long offset, String key, String reason, Instant at, int replays) {
    return new DeadLetter(
        new DeadLetterCoordinates("redrive.attempts.DLT", 0, offset),
        "redrive.attempts",
        1,
        offset + 100,
        "coordinator-attempts",
        reason,
        at,
        key,
        List.of(new DeadLetter.Header("redrive-event-type", "AttemptFailed".getBytes())),
        ("value-" + offset).getBytes(StandardCharsets.UTF_8),
        replays);
  }

  public static DeadLetter letter(long offset) {
    return letter(offset, "exec_" + offset, "DeserializationException: not Avro", Instant.EPOCH, 0);
  }

  /** The same letter without its value (dead-lettered too large). */
  public static DeadLetter withoutValue(DeadLetter letter) {
    return new DeadLetter(
        letter.at(),
        letter.originalTopic(),
        letter.originalPartition(),
        letter.originalOffset(),
        letter.group(),
        letter.reason(),
        letter.timestamp(),
        letter.key(),
        letter.headers(),
        null,
        letter.replayCount());
  }
}
