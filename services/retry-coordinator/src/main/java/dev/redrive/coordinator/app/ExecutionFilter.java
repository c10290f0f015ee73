package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.FailureType;
import java.time.Instant;

/**
 * Which executions a listing shows; every member is optional (null matches all).
 *
 * @param pipeline the pipeline's name, exactly
 * @param status the execution's status now
 * @param phase the execution's current phase, exactly
 * @param failureType the type of the execution's last failure
 * @param updatedFrom changed at or after this instant
 * @param updatedTo changed before this instant
 * @param text a piece of the execution id, the pipeline or the last error, in any case
 */
public record ExecutionFilter(
    String pipeline,
    ExecutionStatus status,
    String phase,
    FailureType failureType,
    Instant updatedFrom,
    Instant updatedTo,
    String text) {

  /** A filter that matches every execution. */
  public static final ExecutionFilter ALL =
      new ExecutionFilter(null, null, null, null, null, null, null);
}
