package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.PhaseHistory;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Executions and the attempts of their phases (port). Every call joins the caller's transaction.
 */
public interface ExecutionStore {

  /** Records a new RUNNING execution; false when one with that id exists already. */
  boolean createExecution(
      String executionId, String pipeline, String workspace, String resubmitOf, String requestedBy);

  /** Sets the status, and the current phase unless it is null. */
  void updateExecution(String executionId, ExecutionStatus status, String currentPhase);

  Optional<Execution> execution(String executionId);

  /**
   * Reads the execution and locks it until the transaction ends, so that commands and the worker
   * finishing an attempt change one execution one at a time (across runner instances).
   */
  Optional<Execution> lockExecution(String executionId);

  void queueAttempt(Attempt attempt);

  /**
   * Moves a QUEUED attempt to RUNNING on this runner instance; false if another worker or a
   * duplicate already did, or a cancel or rollback took it off the queue.
   */
  boolean markRunning(String attemptId, String runnerInstance);

  /** Attempts of this runner instance in the given status. */
  List<Attempt> withStatusOn(AttemptStatus status, String runnerInstance);

  void finishAttempt(String attemptId, AttemptStatus status);

  /** Ends an attempt that did not succeed, with what went wrong. */
  void finishAttempt(
      String attemptId, AttemptStatus status, FailureType failureType, String errorMessage);

  Optional<Attempt> attempt(String attemptId);

  List<Attempt> attemptsWithStatus(AttemptStatus status);

  /** Every attempt of the execution, oldest first. */
  List<Attempt> attempts(String executionId);

  /** Attempts of the execution that are queued, running or being cancelled. */
  List<Attempt> activeAttempts(String executionId);

  /** The phase's earlier attempts in this execution: the highest number, whether one failed. */
  PhaseHistory phaseHistory(String executionId, String phase);

  /** Takes the execution's QUEUED attempts off the queue (CANCELLED); returns how many. */
  int cancelQueued(String executionId);

  /** Marks the execution's RUNNING attempts CANCELLING; returns them. */
  List<Attempt> markCancelling(String executionId);

  /** Which of the given attempts are CANCELLING. */
  List<String> cancelling(Collection<String> attemptIds);

  /** Marks the attempts of the phases as cleared by a rollback (they stay as history). */
  void supersede(String executionId, Collection<String> phases);
}
