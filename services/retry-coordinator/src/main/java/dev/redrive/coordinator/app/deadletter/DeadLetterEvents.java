package dev.redrive.coordinator.app.deadletter;

/** The decision event of a replay: implemented by the Kafka adapter, through the outbox. */
public interface DeadLetterEvents {

  /** The key (execution id) of the replay decisions: the audit keeps them on one timeline. */
  String KEY = dev.redrive.contract.EventKeys.DEAD_LETTERS;

  /** A DeadLettersReplayed decision, written in the caller's transaction. */
  void replayed(ReplayDeadLetters.Result result, ReplayDeadLetters.Request request);
}
