package dev.redrive.cli;

import java.util.Set;

/**
 * The execution statuses the CLI acts on, by the names of the shared vocabulary ({@code
 * dev.redrive.contract.ExecutionStatus}, which the CLI does not depend on so as to stay free of
 * Avro; a test keeps the names equal).
 */
final class ExecutionStatuses {

  static final String RUNNING = "RUNNING";
  static final String HALTED = "HALTED";
  static final String RETRY_SCHEDULED = "RETRY_SCHEDULED";
  static final String PAUSED = "PAUSED";
  static final String SUCCEEDED = "SUCCEEDED";
  static final String CANCELLED = "CANCELLED";

  /** Where {@code start --wait} stops following: nothing more happens without a person. */
  static final Set<String> WAIT_ENDS = Set.of(SUCCEEDED, PAUSED, CANCELLED);

  /** Where an execution goes on by itself, so following it shows more. */
  static final Set<String> MOVING = Set.of(RUNNING, HALTED, RETRY_SCHEDULED);

  private ExecutionStatuses() {}
}
