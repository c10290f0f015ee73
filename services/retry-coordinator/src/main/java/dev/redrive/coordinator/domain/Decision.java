package dev.redrive.coordinator.domain;

import java.time.Duration;

/** What the retry policy decided about a failure. */
public sealed interface Decision {

  /** Run the phase again as attempt {@code nextAttempt} after {@code delay}. */
  record Retry(int nextAttempt, Duration delay, String reason) implements Decision {}

  /** Stop and ask a person: the execution is paused until a retry request arrives. */
  record Intervene(String reason, String recommendedAction) implements Decision {}
}
