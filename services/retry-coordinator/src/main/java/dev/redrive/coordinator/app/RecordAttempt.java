package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records what the runners report about attempts and, for a failure, decides: retry with an
 * assembled context, or pause for a person. Each call is one transaction with its processed-event
 * entry and its outgoing events, so a redelivered event changes nothing.
 */
@Service
public class RecordAttempt {

  private static final Logger log = LoggerFactory.getLogger(RecordAttempt.class);

  private final CoordinatorStore store;
  private final ProcessedEvents processed;
  private final CoordinatorEvents events;
  private final RetryPolicy policy;
  private final RetryContextAssembler assembler;
  private final RandomGenerator random;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Timer decisionLatency;

  public RecordAttempt(
      CoordinatorStore store,
      ProcessedEvents processed,
      CoordinatorEvents events,
      RetryPolicy policy,
      RetryContextAssembler assembler,
      RandomGenerator random,
      Clock clock,
      MeterRegistry meters) {
    this.store = store;
    this.processed = processed;
    this.events = events;
    this.policy = policy;
    this.assembler = assembler;
    this.random = random;
    this.clock = clock;
    this.meters = meters;
    this.decisionLatency =
        Timer.builder("redrive.decision.latency")
            .description("From a failure's occurrence to the coordinator's decision")
            .publishPercentileHistogram()
            .register(meters);
  }

  @Transactional
  public void started(
      EventMeta meta, String attemptId, String phase, int attemptNumber, String commandId) {
    if (!processed.firstDelivery(meta.eventId())) {
      return;
    }
    store.ensureExecution(meta);
    store.recordStarted(
        meta.executionId(), attemptId, phase, attemptNumber, commandId, meta.occurredAt());
    store.updateExecution(meta.executionId(), ExecutionStatus.RUNNING, phase, null);
  }

  @Transactional
  public void succeeded(
      EventMeta meta, String attemptId, String phase, int attemptNumber, long durationMs) {
    if (!processed.firstDelivery(meta.eventId())) {
      return;
    }
    store.ensureExecution(meta);
    store.recordSucceeded(
        meta.executionId(), attemptId, phase, attemptNumber, durationMs, meta.occurredAt());
    store.updateExecution(meta.executionId(), ExecutionStatus.RUNNING, phase, null);
    if (attemptNumber > 1) {
      meters.counter("redrive.retries.succeeded", "phase", phase).increment();
    }
  }

  @Transactional
  public void failed(EventMeta meta, Failure failure) {
    if (!processed.firstDelivery(meta.eventId())) {
      log.debug("event {} already handled", meta.eventId());
      return;
    }
    store.ensureExecution(meta);
    if (!store.recordFailure(meta.executionId(), failure)) {
      log.info(
          "attempt {} of {} was already reported as ended; not counting it again",
          failure.attemptId(),
          meta.executionId());
      return;
    }
    meters
        .counter(
            "redrive.failures",
            "pipeline",
            String.valueOf(meta.pipeline()),
            "phase",
            failure.phase(),
            "type",
            failure.type().name())
        .increment();
    int failedAttempts = store.countFailure(meta.executionId(), failure.phase());
    Decision decision = policy.decide(failedAttempts, failure, random);
    String lastError = failure.type() + ": " + failure.message();
    if (decision instanceof Decision.Retry retry) {
      scheduleRetry(meta, failure, retry, lastError);
    } else if (decision instanceof Decision.Intervene intervene) {
      store.updateExecution(meta.executionId(), ExecutionStatus.PAUSED, failure.phase(), lastError);
      events.interventionRequired(meta, failure, failedAttempts, policy.maxAttempts(), intervene);
      meters.counter("redrive.retries.exhausted", "phase", failure.phase()).increment();
      log.warn(
          "execution {} paused at phase {}: {}",
          meta.executionId(),
          failure.phase(),
          intervene.reason());
    }
    decisionLatency.record(Duration.between(failure.occurredAt(), clock.instant()).abs());
  }

  private void scheduleRetry(
      EventMeta meta, Failure failure, Decision.Retry retry, String lastError) {
    RetryContext context =
        assembler.assemble(
            meta.executionId(),
            failure.phase(),
            retry.nextAttempt(),
            policy.maxAttempts(),
            store.failures(meta.executionId(), failure.phase()),
            List.of());
    String commandId = UUID.randomUUID().toString();
    Instant notBefore = clock.instant().plus(retry.delay());
    store.saveContext(commandId, context);
    store.updateExecution(
        meta.executionId(), ExecutionStatus.RETRY_SCHEDULED, failure.phase(), lastError);
    events.retryScheduled(meta, commandId, retry, context, notBefore, policy);
    meters.counter("redrive.retries.scheduled", "phase", failure.phase()).increment();
    log.info(
        "execution {} phase {}: retry {} scheduled in {} ms ({})",
        meta.executionId(),
        failure.phase(),
        retry.nextAttempt(),
        retry.delay().toMillis(),
        retry.reason());
  }
}
