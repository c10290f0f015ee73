package dev.redrive.runner.app;

import dev.redrive.runner.domain.WorkspaceStep;
import java.util.List;

/**
 * Workspace changes decided in a transaction and not carried out yet (port). {@link #add} joins the
 * caller's transaction, so a step exists exactly when its decision was committed.
 */
public interface WorkspaceSteps {

  /** A step not carried out yet; {@code id} orders the steps of an execution. */
  record Pending(long id, WorkspaceStep step) {}

  /** Records a step of the execution (in the caller's transaction). */
  void add(String executionId, WorkspaceStep step);

  /** The execution's pending steps, oldest first. */
  List<Pending> pending(String executionId);

  /** The executions that have pending steps. */
  List<String> executionsWithPendingSteps();

  /** Forgets a step that was carried out. */
  void done(long id);
}
