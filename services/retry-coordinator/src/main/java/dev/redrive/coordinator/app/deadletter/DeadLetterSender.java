package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;

/** Sends a dead letter back to the topic it came from: implemented by the Kafka adapter. */
public interface DeadLetterSender {

  /**
   * Sends the letter's key, value and headers (without the dead-letter headers) to its original
   * topic with {@code redrive-replay-count} set to {@code replayCount}, and waits for the broker.
   *
   * @throws RuntimeException when the broker did not take it
   */
  void send(DeadLetter letter, int replayCount);
}
