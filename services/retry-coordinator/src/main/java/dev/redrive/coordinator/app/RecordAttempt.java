package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /**
   * Attributes of a failure that the pipeline's own loop handles (the runner already went back to
   * an earlier phase): recorded, not counted, not retried; once the loop is exhausted the failure
   * is decided as usual.
   */
  static final String LOOP_TARGET = "redrive.loop.target";

  static final String LOOP_EXHAUSTED = "redrive.loop.exhausted";

  private final CoordinatorStore store;
  private final ProcessedEvents processed;
  private final CoordinatorEvents events;
  private final PolicyCatalog policies;
  private final RetryBudget budget;
  private final RetryContextAssembler assembler;
  private final RandomGenerator random;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Timer decisionLatency;
  private final DistributionSummary attemptsUntilSuccess;

  public RecordAttempt(
      CoordinatorStore store,
      ProcessedEvents processed,
      CoordinatorEvents events,
      PolicyCatalog policies,
      RetryBudget budget,
      RetryContextAssembler assembler,
      RandomGenerator random,
      Clock clock,
      MeterRegistry meters) {
    this.store = store;
    this.processed = processed;
    this.events = events;
    this.policies = policies;
    this.budget = budget;
    this.assembler = assembler;
    this.random = random;
    this.clock = clock;
    this.meters = meters;
    this.decisionLatency =
        Timer.builder("redrive.decision.latency")
            .description("From a failure's occurrence to the coordinator's decision")
            .publishPercentileHistogram()
            .register(meters);
    this.attemptsUntilSuccess =
        DistributionSummary.builder("redrive.attempts.until.success")
            .description("The attempt number on which a phase succeeded")
            .publishPercentileHistogram()
            .register(meters);
    Counter.builder("redrive.retries.refused")
        .description(
            "Retries refused: by the retry budget (budget) or a person's request (request)")
        .tag("reason", "budget")
        .register(meters);
  }

  @Transactional
  public void started(
      EventMeta meta, String attemptId, String phase, int attemptNumber, String commandId) {
    if (!processed.firstDelivery(meta.eventId())) {
      return;
    }
    store.ensureExecution(meta);
    store.recordStarted(meta, attemptId, phase, attemptNumber, commandId);
    store.updateExecution(meta.executionId(), ExecutionStatus.RUNNING, phase, null);
  }

  @Transactional
  public void succeeded(
      EventMeta meta, String attemptId, String phase, int attemptNumber, long durationMs) {
    if (!processed.firstDelivery(meta.eventId())) {
      return;
    }
    store.ensureExecution(meta);
    store.recordSucceeded(meta, attemptId, phase, attemptNumber, durationMs);
    store.countForBudget(meta, false, budget.window());
    store.updateExecution(meta.executionId(), ExecutionStatus.RUNNING, phase, null);
    attemptsUntilSuccess.record(attemptNumber);
    if (attemptNumber > 1) {
      meters.counter("redrive.retries.succeeded", "phase", phase).increment();
    }
  }

  /**
   * Records a failure and decides.
   *
   * @param declaredPolicy the policy the failure itself carries (a phase's own, from its pipeline
   *     file), applied over the configured ones
   * @param attributes extra facts the reporter sent, kept with the attempt
   */
  @Transactional
  public void failed(
      EventMeta meta,
      Failure reported,
      PolicyOverride declaredPolicy,
      Map<String, String> attributes) {
    if (!processed.firstDelivery(meta.eventId())) {
      log.debug("event {} already handled", meta.eventId());
      return;
    }
    store.ensureExecution(meta);
    Failure failure = numbered(meta, reported);
    if (!store.recordFailure(meta, failure, attributes)) {
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
    store.countForBudget(meta, false, budget.window());
    if (attributes.containsKey(LOOP_TARGET) && !"true".equals(attributes.get(LOOP_EXHAUSTED))) {
      log.info(
          "execution {}: phase {} failed a check and its pipeline's loop sends it back to {}; not counted",
          meta.executionId(),
          failure.phase(),
          attributes.get(LOOP_TARGET));
      return;
    }
    int failedAttempts = store.countFailure(meta.executionId(), failure.phase());
    RetryPolicy policy =
        policies.resolve(meta.source(), meta.pipeline(), failure.phase(), declaredPolicy);
    List<Failure> history = store.failures(meta.executionId(), failure.phase());
    Instant firstFailureAt = history.isEmpty() ? failure.occurredAt() : history.get(0).occurredAt();
    Decision decision = policy.decide(failedAttempts, firstFailureAt, failure, random);
    if (decision instanceof Decision.Retry) {
      decision = withinBudget(meta, failure, decision);
    }
    String lastError = failure.type() + ": " + failure.message();
    if (decision instanceof Decision.Retry retry) {
      // attempt numbers only grow; after a count reset the bound moves up by the attempts before it
      int offset = Math.max(0, failure.attemptNumber() - failedAttempts);
      scheduleRetry(
          meta,
          failure,
          new Decision.Retry(retry.nextAttempt() + offset, retry.delay(), retry.reason()),
          lastError,
          policy.maxAttempts() + offset,
          policy,
          history);
    } else if (decision instanceof Decision.Intervene intervene) {
      store.updateExecution(meta.executionId(), ExecutionStatus.PAUSED, failure.phase(), lastError);
      events.interventionRequired(meta, failure, policy.maxAttempts(), intervene, history);
      meters.counter("redrive.retries.exhausted", "phase", failure.phase()).increment();
      log.warn(
          "execution {} paused at phase {}: {}",
          meta.executionId(),
          failure.phase(),
          intervene.reason());
    }
    decisionLatency.record(Duration.between(failure.occurredAt(), clock.instant()).abs());
  }

  /** A failure without an attempt number (some other systems do not count) gets the next one. */
  private Failure numbered(EventMeta meta, Failure failure) {
    if (failure.attemptNumber() >= 1) {
      return failure;
    }
    return new Failure(
        failure.attemptId(),
        failure.phase(),
        store.lastAttemptNumber(meta.executionId(), failure.phase()) + 1,
        failure.type(),
        failure.hard(),
        failure.errorType(),
        failure.message(),
        failure.exitCode(),
        failure.checks(),
        failure.durationMs(),
        failure.artifactsLocation(),
        failure.occurredAt(),
        failure.retryAfter());
  }

  /** The retry, or a refusal when the pipeline's or the source's retry budget is used up. */
  private Decision withinBudget(EventMeta meta, Failure failure, Decision retry) {
    for (String scope : List.of("pipeline", "source")) {
      String value = scope.equals("pipeline") ? meta.pipeline() : meta.source();
      if (value == null) {
        continue;
      }
      CoordinatorStore.BudgetCounts counts = store.budgetCounts(scope, value, budget.window());
      if (!budget.allowsOneMore(counts.retries(), counts.attempts())) {
        meters.counter("redrive.retries.refused", "reason", "budget").increment();
        return new Decision.Intervene(
            budget.refusal(scope + " " + value, counts.retries(), counts.attempts()),
            ("1. Find out why phase '%s' fails everywhere at once%n"
                    + "2. When it is fixed, retry the paused executions in bulk (POST /api/v1/retries)")
                .formatted(failure.phase()));
      }
    }
    return retry;
  }

  private void scheduleRetry(
      EventMeta meta,
      Failure failure,
      Decision.Retry retry,
      String lastError,
      int maxAttempts,
      RetryPolicy policy,
      List<Failure> history) {
    RetryContext context =
        assembler.assemble(
            meta.executionId(),
            failure.phase(),
            retry.nextAttempt(),
            maxAttempts,
            history,
            store.notes(meta.executionId(), failure.phase()));
    String commandId = UUID.randomUUID().toString();
    Instant notBefore = DueTimes.atMillis(clock.instant().plus(retry.delay()));
    store.saveContext(commandId, context, meta, true);
    store.countForBudget(meta, true, budget.window());
    store.updateExecution(
        meta.executionId(), ExecutionStatus.RETRY_SCHEDULED, failure.phase(), lastError);
    events.retryScheduled(meta, commandId, retry, context, notBefore, policy, null);
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
