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
 * CANCELLED and {@code ExecutionCancelled} is emitted once. Repeated cancels change nothing.
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

  /**
   * @throws UnknownExecutionException when the execution is unknown
   */
  public void cancel(String executionId, String reason, String commandId) {
    if (store.execution(executionId).isEmpty()) {
      throw new UnknownExecutionException(
          "Cancel %s names execution %s, which this runner does not know"
              .formatted(commandId, executionId));
    }
    List<Attempt> stopped =
        transaction.execute(
            status -> {
              if (!processed.firstDelivery(commandId)) {
                return null;
              }
              Execution execution = store.lockExecution(executionId).orElseThrow();
              if (execution.status().isFinal()) {
                log.info(
                    "execution {} is {} already; cancel {} changes nothing",
                    executionId,
                    execution.status(),
                    commandId);
                return null;
              }
              store.cancelQueued(executionId);
              List<Attempt> running = store.markCancelling(executionId);
              store.updateExecution(executionId, ExecutionStatus.CANCELLED, null);
              events.executionCancelled(executionId, execution.pipeline(), reason);
              meters
                  .counter("redrive.runner.cancellations", "pipeline", execution.pipeline())
                  .increment();
              return running;
            });
    if (stopped == null) {
      return;
    }
    log.info(
        "execution {} cancelled ({}); stopping {}",
        LogText.escape(executionId),
        LogText.escape(reason),
        stopped.stream().map(Attempt::phase).toList());
    stopped.forEach(a -> worker.stop(a.attemptId()));
    stateFile.write(executionId);
  }
}
