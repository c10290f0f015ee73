package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.support.outbox.ProcessedEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Records that the runner finished or cancelled an execution. */
@Service
public class RecordExecutionEnd {

  private static final Logger log = LoggerFactory.getLogger(RecordExecutionEnd.class);

  private final CoordinatorStore store;
  private final ProcessedEvents processed;

  public RecordExecutionEnd(CoordinatorStore store, ProcessedEvents processed) {
    this.store = store;
    this.processed = processed;
  }

  @Transactional
  public void succeeded(EventMeta meta) {
    end(meta, ExecutionStatus.SUCCEEDED);
  }

  @Transactional
  public void cancelled(EventMeta meta) {
    end(meta, ExecutionStatus.CANCELLED);
  }

  private void end(EventMeta meta, ExecutionStatus status) {
    if (!processed.firstDelivery(meta.eventId())) {
      return;
    }
    store.ensureExecution(meta);
    store.updateExecution(meta.executionId(), status, null, null);
    log.info("execution {} {}", meta.executionId(), status);
  }
}
