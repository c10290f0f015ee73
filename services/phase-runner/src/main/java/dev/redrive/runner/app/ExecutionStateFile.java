package dev.redrive.runner.app;

/**
 * Keeps an execution's state file in its workspace up to date (port): called after every committed
 * change, never inside a transaction.
 */
public interface ExecutionStateFile {

  /** Rewrites the execution's state file from the committed state. */
  void write(String executionId);
}
