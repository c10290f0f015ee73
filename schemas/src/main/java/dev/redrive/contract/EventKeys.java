package dev.redrive.contract;

/**
 * The execution ids of events that are about no one execution: decisions a person took for many at
 * once. They are keyed (and stored by the audit) under these names so that they keep their order,
 * but no execution has them, and an index of executions leaves them out.
 */
public final class EventKeys {

  /** Pauses and unpauses of retries wider than one execution (everything, a pipeline, a phase). */
  public static final String PAUSES = "redrive-pauses";

  /** Replays of dead letters. */
  public static final String DEAD_LETTERS = "redrive-dead-letters";

  /** Changes of the retry policy set (a change of one execution's override is keyed by it). */
  public static final String POLICIES = "redrive-policies";

  private EventKeys() {}

  /** Whether events with this execution id belong to an execution. */
  public static boolean namesAnExecution(String executionId) {
    return !PAUSES.equals(executionId)
        && !DEAD_LETTERS.equals(executionId)
        && !POLICIES.equals(executionId);
  }
}
