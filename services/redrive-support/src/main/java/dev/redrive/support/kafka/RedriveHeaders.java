package dev.redrive.support.kafka;

/** Names of the Kafka headers Redrive writes; values are UTF-8 strings. */
public final class RedriveHeaders {

  /** The kind of event in the value, e.g. {@code AttemptFailed} (the payload's record name). */
  public static final String EVENT_TYPE = "redrive-event-type";

  /** The event id of the value, so tools can deduplicate without decoding. */
  public static final String EVENT_ID = "redrive-event-id";

  /** The system that produced the record. */
  public static final String SOURCE = "redrive-source";

  /** On a dead-letter record: why it could not be handled (the root cause's type and message). */
  public static final String DLT_REASON = "redrive-dlt-reason";

  /**
   * On a record a person replayed from a dead-letter topic: how many replays it went through (1
   * after the first). A replayed record that fails again is dead-lettered with it, so it shows as
   * re-parked and is not replayed again without asking for it.
   */
  public static final String REPLAY_COUNT = "redrive-replay-count";

  private RedriveHeaders() {}
}
