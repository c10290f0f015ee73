package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryContext;
import java.util.List;

/**
 * Each retry as the coordinator told the world of it: its command, which carries the context, and
 * its RetryScheduled, which carries the why, kept as the events adapter encoded them for the outbox
 * (writing the context and the why once more as JSON cost about a fifth of the attempts consumers'
 * CPU, issue 16). The store keeps the bytes; {@link #context} and {@link #decision} read them.
 */
public interface SentRetries {

  /**
   * A retry as sent.
   *
   * @param attemptNumber the attempt the retry's command starts
   * @param declared the phase's own policy as the failure declared it, or null (the messages do not
   *     carry it)
   * @param sentMessages the command's and the RetryScheduled's values as published, packed
   */
  record Sent(
      String commandId,
      String executionId,
      String phase,
      int attemptNumber,
      PolicyOverride declared,
      byte[] sentMessages) {}

  /** Keeps {@code retries}, in the caller's transaction. */
  void keep(List<Sent> retries);

  /** Reads what a retry kept as sent. */
  interface Reader {

    /**
     * The context the retry's command carried.
     *
     * @throws UnreadableException when the messages cannot be read back
     */
    RetryContext context(byte[] sentMessages);

    /**
     * The retry as a decision about its execution: what its RetryScheduled said, when and why;
     * {@code declared} is the phase's own policy kept beside the messages.
     *
     * @throws UnreadableException when the messages cannot be read back
     */
    ExplainedDecision decision(byte[] sentMessages, PolicyOverride declared);
  }

  /**
   * A retry's messages could not be read back: the schema registry did not answer or does not know
   * their schema ({@code registryUnavailable}), or the stored value is damaged.
   */
  final class UnreadableException extends RuntimeException {
    private final boolean registryUnavailable;

    public UnreadableException(String message, boolean registryUnavailable, Throwable cause) {
      super(message, cause);
      this.registryUnavailable = registryUnavailable;
    }

    public boolean registryUnavailable() {
      return registryUnavailable;
    }
  }
}
