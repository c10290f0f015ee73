package dev.redrive.runner.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.Execution;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cancels an execution (a Cancel command or a REST cancel): queued attempts are dropped, a running
 * phase is stopped (its process group killed, on whichever runner runs it), the execution is
 * CANCELLED and {@code ExecutionCancelled} is emitted once. Repeated cancels change nothing. A
 * cancel of an execution that has ended (SUCCEEDED or CANCELLED) changes nothing either, and says
 * so: {@link Outcome#ENDED_BEFORE}, which the REST endpoint answers 409.
 *
 * <p>Its transaction writes no file: the process group is stopped and the state file rewritten only
 * after the commit, so a cancel that rolls back leaves the phase running and the workspace as it
 * was.
 */
@Service
public class CancelExecution {

  private static final Logger log = LoggerFactory.getLogger(CancelExecution.class);

  private final ExecutionStore store;
  private final RunnerEvents events;
  private final ProcessedEvents processed;
  private final TransactionTemplate transaction;
  private final ExecutionStateFile stateFile;
  private final AttemptWorker worker;
  private final MeterRegistry meters;

  public CancelExecution(
      ExecutionStore store,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      ExecutionStateFile stateFile,
      AttemptWorker worker,
      MeterRegistry meters) {
    this.store = store;
    this.events = events;
    this.processed = processed;
    this.transaction = transaction;
    this.stateFile = stateFile;
    this.worker = worker;
    this.meters = meters;
  }

  /** What a cancel did. */
  public enum Outcome {
    /** The execution is CANCELLED now. */
    CANCELLED,
    /** The command id was handled before: this cancel changed nothing, the first one did. */
    REPEATED,
    /** The execution had ended already; nothing changed and the command id stays unused. */
    ENDED_BEFORE
  }

  /**
   * What a cancel did, and the execution's status after it.
   *
   * @param status CANCELLED, or the status an execution that had ended already kept
   */
  public record Result(Outcome outcome, ExecutionStatus status) {}

  /** What the transaction did, and the attempts to stop after it. */
  private record Step(Result result, List<Attempt> running) {}

  /**
   * @param requestedBy who asked (carried by {@code ExecutionCancelled}); null when nobody was
   *     named
   * @return what was done
   * @throws UnknownExecutionException when the execution is unknown
   */
  public Result cancel(String executionId, String reason, String requestedBy, String commandId) {
    if (store.execution(executionId).isEmpty()) {
      throw new UnknownExecutionException(
          "Cancel %s names execution %s, which this runner does not know"
              .formatted(commandId, executionId));
    }
    Step step =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(commandId)) {
                return new Step(new Result(Outcome.REPEATED, ExecutionStatus.CANCELLED), null);
              }
              Execution execution = store.lockExecution(executionId).orElseThrow();
              if (execution.status().isFinal()) {
                log.info(
                    "execution {} is {} already; cancel {} changes nothing",
                    LogText.escape(executionId),
                    execution.status(),
                    LogText.escape(commandId));
                // unmarked, so that the same request asked again is refused again
                status.setRollbackOnly();
                return new Step(new Result(Outcome.ENDED_BEFORE, execution.status()), null);
              }
              store.cancelQueued(executionId);
              List<Attempt> running = store.markCancelling(executionId);
              store.updateExecution(executionId, ExecutionStatus.CANCELLED, null);
              events.executionCancelled(executionId, execution.pipeline(), reason, requestedBy);
              meters
                  .counter("redrive.runner.cancellations", "pipeline", execution.pipeline())
                  .increment();
              return new Step(new Result(Outcome.CANCELLED, ExecutionStatus.CANCELLED), running);
            });
    if (step.running() == null) {
      return step.result();
    }
    List<Attempt> stopped = step.running();
    log.info(
        "execution {} cancelled ({}); stopping {}",
        LogText.escape(executionId),
        LogText.escape(reason),
        stopped.stream().map(Attempt::phase).toList());
    stopped.forEach(a -> worker.stop(a.attemptId()));
    stateFile.write(executionId);
    return step.result();
  }
}
