package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.time.Instant;

/**
 * What the coordinator tells the world. Implemented by the Kafka adapter, which writes to the
 * outbox in the caller's transaction.
 */
public interface CoordinatorEvents {

  /**
   * A RetryCommand due at {@code notBefore}, and the RetryScheduled and RetryContextAssembled
   * decisions.
   */
  void retryScheduled(
      EventMeta cause,
      String commandId,
      Decision.Retry retry,
      RetryContext context,
      Instant notBefore,
      RetryPolicy policy);

  /** An InterventionRequired decision: the execution is paused. */
  void interventionRequired(
      EventMeta cause,
      Failure failure,
      int failedAttempts,
      int maxAttempts,
      Decision.Intervene decision);
}
