package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.policy.ChangePolicies;
import dev.redrive.support.outbox.ProcessedEvents;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the coordinator keeps of the runner's process events: an execution's phases, what each
 * completed phase produced (the chain state a person sees when it pauses), rollbacks, and its end.
 */
@Service
public class RecordProcessEvent {

  private static final Logger log = LoggerFactory.getLogger(RecordProcessEvent.class);

  private final ExecutionStore executions;
  private final ProcessedEvents processed;
  private final ChangePolicies policies;

  public RecordProcessEvent(
      ExecutionStore executions, ProcessedEvents processed, ChangePolicies policies) {
    this.executions = executions;
    this.processed = processed;
    this.policies = policies;
  }

  @Transactional
  public void started(EventMeta meta, List<String> phases) {
    if (firstDelivery(meta)) {
      executions.setPhases(meta.executionId(), phases);
    }
  }

  @Transactional
  public void checkpoint(EventMeta meta, String phase, Map<String, String> outputs) {
    if (firstDelivery(meta)) {
      executions.saveCheckpoint(meta.executionId(), phase, outputs);
    }
  }

  @Transactional
  public void rolledBack(EventMeta meta, String toPhase, List<String> clearedPhases) {
    if (firstDelivery(meta)) {
      executions.clearCheckpoints(meta.executionId(), clearedPhases);
      log.info(
          "execution {} rolled back to {} (cleared {})",
          meta.executionId(),
          toPhase,
          clearedPhases);
    }
  }

  @Transactional
  public void succeeded(EventMeta meta) {
    end(meta, ExecutionStatus.SUCCEEDED, "succeeded");
  }

  @Transactional
  public void cancelled(EventMeta meta) {
    end(meta, ExecutionStatus.CANCELLED, "was cancelled");
  }

  /** Its status, and a person's policy override of it dropped: nothing is left to decide. */
  private void end(EventMeta meta, ExecutionStatus status, String how) {
    if (firstDelivery(meta)) {
      executions.reopen(meta.executionId(), status, null);
      policies.executionEnded(meta.executionId(), how);
      log.info("execution {} {}", meta.executionId(), status);
    }
  }

  private boolean firstDelivery(EventMeta meta) {
    if (!processed.firstDelivery(meta.eventId())) {
      return false;
    }
    executions.ensureExecution(meta);
    return true;
  }
}
