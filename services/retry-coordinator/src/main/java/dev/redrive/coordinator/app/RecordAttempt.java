package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.ExecutionStatus;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.coordinator.persistence.CoordinatorStore.BudgetCounts;
import dev.redrive.coordinator.persistence.CoordinatorStore.BudgetScope;
import dev.redrive.coordinator.persistence.CoordinatorStore.ContextToSave;
import dev.redrive.coordinator.persistence.CoordinatorStore.ExecutionUpdate;
import dev.redrive.coordinator.persistence.CoordinatorStore.PhaseKey;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records what the runners report about attempts and, for a failure, decides: retry with an
 * assembled context, or pause for a person. A batch of reports is one transaction with its
 * processed-event entries and its outgoing events, so a redelivered event changes nothing; each
 * step is one statement for the whole batch (or round, see {@link #record(List)}).
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
  private final TransactionTemplate transactions;
  private final Timer decisionLatency;
  private final Counter budgetOvertaken;
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
      MeterRegistry meters,
      TransactionTemplate transactions) {
    this.store = store;
    this.processed = processed;
    this.events = events;
    this.policies = policies;
    this.budget = budget;
    this.assembler = assembler;
    this.random = random;
    this.clock = clock;
    this.meters = meters;
    this.transactions = transactions;
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
    this.budgetOvertaken =
        Counter.builder("redrive.budget.overtaken")
            .description(
                "Batches decided again, holding the retry budget's lock, because other consumers"
                    + " spent the budget's headroom while they were decided")
            .register(meters);
  }

  /**
   * Records the reports of a batch, in the order given, and decides each failure: one transaction
   * for the whole batch, with its processed-event entries and its outgoing events, so a redelivered
   * event changes nothing. Reports of one execution (or one attempt) are handled in their order:
   * the k-th of each is in round k, each round written set-based and seeing the rounds before it.
   *
   * <p>The retry budget is shared by the consumers of all partitions. A batch reads it (with its
   * version) without a lock; at its end it locks the budgets it spends, which bumps their versions.
   * Only when a version shows that other consumers committed retries in between does it read the
   * window again: when those leave no room for the retries this batch allowed itself, the batch is
   * rolled back and decided again, this time locking the budget before it weighs its first retry.
   * Far from the budget's limit, consumers therefore never wait for each other for longer than the
   * end of a batch; near it, they weigh their retries one after the other. Meters and log lines of
   * the decisions are written once the batch is committed.
   */
  public void record(List<AttemptReport> reports) {
    Writes committed;
    try {
      committed = transactions.execute(status -> record(reports, false));
    } catch (BudgetOvertaken overtaken) {
      budgetOvertaken.increment();
      log.info(
          "retry budget of {} was spent by other consumers while a batch of {} was decided;"
              + " deciding it again, holding the budget's lock",
          overtaken.scope,
          reports.size());
      committed = transactions.execute(status -> record(reports, true));
    }
    if (committed != null) {
      committed.afterCommit.forEach(Runnable::run);
    }
  }

  /** One transaction for the batch; null when every report was handled before. */
  private Writes record(List<AttemptReport> reports, boolean lockBudgetFirst) {
    List<AttemptReport> fresh = firstDeliveries(reports);
    if (fresh.isEmpty()) {
      return null;
    }
    List<EventMeta> metas = fresh.stream().map(AttemptReport::meta).toList();
    store.ensureExecutions(metas);
    Writes writes = new Writes(metas, events.batch(), lockBudgetFirst);
    for (List<AttemptReport> round : Rounds.of(fresh)) {
      recordRound(round, writes);
    }
    store.saveContexts(writes.contexts);
    store.updateExecutions(writes.executions.values());
    writes.events.write();
    // last: every consumer of the coordinator updates the same budget rows, so their locks are
    // held only from here to the commit
    if (!lockBudgetFirst) {
      lockAndRecheckBudgets(writes.budget);
    }
    store.countForBudget(writes.budget.added(), budget.window());
    return writes;
  }

  /**
   * Locks the budgets the batch spends and, when other batches committed retries of them since it
   * read them, weighs its retries again against the window as it is now.
   *
   * @throws BudgetOvertaken when one of them no longer fits
   */
  private void lockAndRecheckBudgets(BudgetTally tally) {
    Set<BudgetScope> spent = tally.spentScopes();
    if (spent.isEmpty() || tally.aloneSinceRead(store.lockBudgets(spent))) {
      return;
    }
    Optional<BudgetScope> overtaken =
        tally.overtaken(store.budgetWindow(spent, budget.window()).counts(), budget);
    if (overtaken.isPresent()) {
      throw new BudgetOvertaken(overtaken.get());
    }
  }

  /**
   * Other consumers committed retries of a budget scope while a batch was decided, leaving no room
   * for one that the batch allowed itself.
   */
  private static final class BudgetOvertaken extends RuntimeException {
    final String scope;

    BudgetOvertaken(BudgetScope scope) {
      super(
          "retry budget of " + scope.scope() + " " + scope.name() + " overtaken",
          null,
          false,
          false);
      this.scope = scope.scope() + " " + scope.name();
    }
  }

  /** What a batch writes once at its end, gathered while its rounds are decided. */
  private static final class Writes {
    final List<EventMeta> metas;
    final CoordinatorEvents.Batch events;
    final BudgetTally budget = new BudgetTally();
    final List<ContextToSave> contexts = new ArrayList<>();
    final Map<String, ExecutionUpdate> executions = new LinkedHashMap<>();
    final boolean lockBudgetFirst;

    /** Meters and log lines, which only a committed batch writes. */
    final List<Runnable> afterCommit = new ArrayList<>();

    Writes(List<EventMeta> metas, CoordinatorEvents.Batch events, boolean lockBudgetFirst) {
      this.metas = metas;
      this.events = events;
      this.lockBudgetFirst = lockBudgetFirst;
    }

    /** Later updates of an execution win; a null phase or error keeps the earlier one. */
    void execution(String executionId, ExecutionStatus status, String phase, String lastError) {
      update(new ExecutionUpdate(executionId, status, phase, lastError, null));
    }

    /** The type of the execution's last failure (what a bulk retry filters on). */
    void failed(String executionId, FailureType type) {
      update(new ExecutionUpdate(executionId, null, null, null, type));
    }

    private void update(ExecutionUpdate update) {
      executions.merge(update.executionId(), update, ExecutionUpdate::then);
    }
  }

  /** A retry decided in a round, whose context is assembled once the round's notes are read. */
  private record PendingRetry(
      AttemptReport.Failed report,
      Decision.Retry retry,
      String lastError,
      int maxAttempts,
      RetryPolicy policy,
      List<Failure> history) {}

  private List<AttemptReport> firstDeliveries(List<AttemptReport> reports) {
    Set<String> first =
        new HashSet<>(
            processed.firstDeliveries(
                reports.stream().map(report -> report.meta().eventId()).distinct().toList()));
    List<AttemptReport> fresh = new ArrayList<>();
    for (AttemptReport report : reports) {
      if (first.remove(report.meta().eventId())) {
        fresh.add(report);
      } else {
        log.debug("event {} already handled", report.meta().eventId());
      }
    }
    return fresh;
  }

  /** One round: every execution and attempt in it at most once. */
  private void recordRound(List<AttemptReport> reports, Writes writes) {
    List<AttemptReport> round = numbered(reports);
    List<AttemptReport.Started> started = ofType(round, AttemptReport.Started.class);
    List<AttemptReport.Succeeded> succeeded = ofType(round, AttemptReport.Succeeded.class);
    List<AttemptReport.Failed> failed = ofType(round, AttemptReport.Failed.class);
    store.recordStarted(started);
    store.recordSucceeded(succeeded);
    Set<String> recorded = store.recordFailures(failed);
    List<PhaseKey> named = new ArrayList<>();
    List<PhaseKey> counted = new ArrayList<>();
    for (AttemptReport report : round) {
      if (report instanceof AttemptReport.Started s) {
        named.add(new PhaseKey(s.meta().executionId(), s.phase()));
      } else if (report instanceof AttemptReport.Succeeded s) {
        named.add(new PhaseKey(s.meta().executionId(), s.phase()));
      } else if (report instanceof AttemptReport.Failed f
          && recorded.contains(f.failure().attemptId())) {
        named.add(key(f));
        if (!loopHandles(f.attributes())) {
          counted.add(key(f));
        }
      }
    }
    store.knowPhases(named);
    Map<PhaseKey, Integer> counts = store.countFailures(counted);
    Map<PhaseKey, List<Failure>> histories = store.failures(counted);
    List<PendingRetry> retries = new ArrayList<>();
    for (AttemptReport report : round) {
      if (report instanceof AttemptReport.Started s) {
        writes.execution(s.meta().executionId(), ExecutionStatus.RUNNING, s.phase(), null);
      } else if (report instanceof AttemptReport.Succeeded s) {
        succeeded(s, writes);
      } else if (report instanceof AttemptReport.Failed f) {
        if (recorded.contains(f.failure().attemptId())) {
          failed(f, counts, histories, writes, retries);
        } else {
          log.info(
              "attempt {} of {} was already reported as ended; not counting it again",
              f.failure().attemptId(),
              f.meta().executionId());
        }
      }
    }
    Map<PhaseKey, List<String>> notes =
        store.notes(retries.stream().map(r -> key(r.report())).toList());
    for (PendingRetry retry : retries) {
      scheduleRetry(retry, notes.getOrDefault(key(retry.report()), List.of()), writes);
    }
  }

  private void succeeded(AttemptReport.Succeeded s, Writes writes) {
    writes.budget.countAttempt(s.meta());
    writes.execution(s.meta().executionId(), ExecutionStatus.RUNNING, s.phase(), null);
    writes.afterCommit.add(
        () -> {
          attemptsUntilSuccess.record(s.attemptNumber());
          if (s.attemptNumber() > 1) {
            meters.counter("redrive.retries.succeeded", "phase", s.phase()).increment();
          }
        });
  }

  /**
   * Decides a failure that was recorded: retry (its context is assembled once the round's notes are
   * read) or pause for a person.
   */
  private void failed(
      AttemptReport.Failed report,
      Map<PhaseKey, Integer> counts,
      Map<PhaseKey, List<Failure>> histories,
      Writes writes,
      List<PendingRetry> retries) {
    EventMeta meta = report.meta();
    Failure failure = report.failure();
    Map<String, String> attributes = report.attributes();
    writes.afterCommit.add(
        () ->
            meters
                .counter(
                    "redrive.failures",
                    "pipeline",
                    String.valueOf(meta.pipeline()),
                    "phase",
                    failure.phase(),
                    "type",
                    failure.type().name())
                .increment());
    writes.budget.countAttempt(meta);
    writes.failed(meta.executionId(), failure.type());
    if (loopHandles(attributes)) {
      writes.afterCommit.add(
          () ->
              log.info(
                  "execution {}: phase {} failed a check and its pipeline's loop sends it back to"
                      + " {}; not counted",
                  meta.executionId(),
                  failure.phase(),
                  attributes.get(LOOP_TARGET)));
      return;
    }
    int failedAttempts = counts.get(key(report));
    RetryPolicy policy =
        policies.resolve(meta.source(), meta.pipeline(), failure.phase(), report.declaredPolicy());
    List<Failure> history = histories.getOrDefault(key(report), List.of());
    Instant firstFailureAt = history.isEmpty() ? failure.occurredAt() : history.get(0).occurredAt();
    Decision decision = policy.decide(failedAttempts, firstFailureAt, failure, random);
    if (decision instanceof Decision.Retry) {
      decision = withinBudget(meta, failure, decision, writes);
    }
    String lastError = failure.type() + ": " + failure.message();
    if (decision instanceof Decision.Retry retry) {
      // attempt numbers only grow; after a count reset the bound moves up by the attempts before it
      int offset = Math.max(0, failure.attemptNumber() - failedAttempts);
      writes.budget.countRetry(meta);
      retries.add(
          new PendingRetry(
              report,
              new Decision.Retry(retry.nextAttempt() + offset, retry.delay(), retry.reason()),
              lastError,
              policy.maxAttempts() + offset,
              policy,
              history));
    } else if (decision instanceof Decision.Intervene intervene) {
      writes.execution(meta.executionId(), ExecutionStatus.PAUSED, failure.phase(), lastError);
      writes.events.interventionRequired(meta, failure, policy.maxAttempts(), intervene, history);
      Duration latency = Duration.between(failure.occurredAt(), clock.instant()).abs();
      writes.afterCommit.add(
          () -> {
            meters.counter("redrive.retries.exhausted", "phase", failure.phase()).increment();
            log.warn(
                "execution {} paused at phase {}: {}",
                LogText.escape(meta.executionId()),
                LogText.escape(failure.phase()),
                LogText.escape(intervene.reason()));
            decisionLatency.record(latency);
          });
    }
  }

  private static boolean loopHandles(Map<String, String> attributes) {
    return attributes.containsKey(LOOP_TARGET) && !"true".equals(attributes.get(LOOP_EXHAUSTED));
  }

  private static PhaseKey key(AttemptReport.Failed report) {
    return new PhaseKey(report.meta().executionId(), report.failure().phase());
  }

  private static <T extends AttemptReport> List<T> ofType(
      List<AttemptReport> reports, Class<T> type) {
    return reports.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * The round with each failure that has no attempt number (some other systems do not count) given
   * the next one of its phase.
   */
  private List<AttemptReport> numbered(List<AttemptReport> round) {
    List<PhaseKey> unnumbered =
        ofType(round, AttemptReport.Failed.class).stream()
            .filter(f -> f.failure().attemptNumber() < 1)
            .map(RecordAttempt::key)
            .toList();
    if (unnumbered.isEmpty()) {
      return round;
    }
    Map<PhaseKey, Integer> last = store.lastAttemptNumbers(unnumbered);
    return round.stream()
        .map(
            report ->
                report instanceof AttemptReport.Failed f && f.failure().attemptNumber() < 1
                    ? new AttemptReport.Failed(
                        f.meta(),
                        numbered(f.failure(), last.get(key(f)) + 1),
                        f.declaredPolicy(),
                        f.attributes())
                    : report)
        .toList();
  }

  private static Failure numbered(Failure failure, int attemptNumber) {
    return new Failure(
        failure.attemptId(),
        failure.phase(),
        attemptNumber,
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

  /**
   * The retry, or a refusal when the pipeline's or the source's retry budget is used up. The first
   * retry a batch weighs reads the budgets of all the batch's scopes (locking them first when the
   * batch is decided again, see {@link #record(List)}).
   */
  private Decision withinBudget(EventMeta meta, Failure failure, Decision retry, Writes writes) {
    if (!writes.budget.loaded()) {
      Set<BudgetScope> scopes = BudgetTally.scopes(writes.metas);
      if (writes.lockBudgetFirst) {
        store.lockBudgets(scopes);
      }
      writes.budget.load(store.budgetWindow(scopes, budget.window()));
    }
    List<BudgetScope> scopes = BudgetTally.scopes(meta);
    for (BudgetScope scope : scopes) {
      BudgetCounts counts = writes.budget.counts(scope);
      if (!budget.allowsOneMore(counts.retries(), counts.attempts())) {
        writes.afterCommit.add(
            () -> meters.counter("redrive.retries.refused", "reason", "budget").increment());
        return new Decision.Intervene(
            budget.refusal(scope.scope() + " " + scope.name(), counts.retries(), counts.attempts()),
            ("1. Find out why phase '%s' fails everywhere at once%n"
                    + "2. When it is fixed, retry the paused executions in bulk (POST /api/v1/retries)")
                .formatted(failure.phase()));
      }
    }
    scopes.forEach(writes.budget::allowed);
    return retry;
  }

  private void scheduleRetry(PendingRetry pending, List<String> notes, Writes writes) {
    EventMeta meta = pending.report().meta();
    Failure failure = pending.report().failure();
    Decision.Retry retry = pending.retry();
    RetryContext context =
        assembler.assemble(
            meta.executionId(),
            failure.phase(),
            retry.nextAttempt(),
            pending.maxAttempts(),
            pending.history(),
            notes);
    String commandId = UUID.randomUUID().toString();
    Instant notBefore = DueTimes.atMillis(clock.instant().plus(retry.delay()));
    writes.contexts.add(new ContextToSave(commandId, context, meta, true));
    writes.execution(
        meta.executionId(), ExecutionStatus.RETRY_SCHEDULED, failure.phase(), pending.lastError());
    writes.events.retryScheduled(
        meta, commandId, retry, context, notBefore, pending.policy(), null);
    Duration latency = Duration.between(failure.occurredAt(), clock.instant()).abs();
    writes.afterCommit.add(
        () -> {
          meters.counter("redrive.retries.scheduled", "phase", failure.phase()).increment();
          log.info(
              "execution {} phase {}: retry {} scheduled in {} ms ({})",
              LogText.escape(meta.executionId()),
              LogText.escape(failure.phase()),
              retry.nextAttempt(),
              retry.delay().toMillis(),
              LogText.escape(retry.reason()));
          decisionLatency.record(latency);
        });
  }
}
