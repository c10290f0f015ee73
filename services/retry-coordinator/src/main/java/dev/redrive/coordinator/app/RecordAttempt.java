package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.FailureDecisions.PendingRetry;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.support.log.LogText;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records what the runners report about attempts and, for a failure, decides: retry with an
 * assembled context, or pause for a person ({@link FailureDecisions}). A batch of reports is one
 * transaction with its outgoing events, and each report is recorded once by its attempt id, so a
 * redelivered event changes nothing; each step is one statement for the whole batch (or round, see
 * {@link #record(List)}).
 */
@Service
public class RecordAttempt {

  private static final Logger log = LoggerFactory.getLogger(RecordAttempt.class);

  /**
   * How often a batch is decided when other consumers keep recording its failures meanwhile, before
   * it is left to the listener's error handler, which polls it again after its outage back-off
   * ({@link AttemptLog.RecordedMeanwhile} is transient).
   */
  private static final int MAX_DECIDED = 3;

  private final ExecutionStore executions;
  private final AttemptLog attempts;
  private final BudgetStore budgets;
  private final ProcessedEvents processed;
  private final CoordinatorEvents events;
  private final SourceFailures sourceFailures;
  private final Policies policies;
  private final FailureDecisions decisions;
  private final MeterRegistry meters;
  private final TransactionTemplate transactions;
  private final StatementPlans plans;
  private final Counter budgetOvertaken;
  private final Counter recordedMeanwhile;
  private final DistributionSummary attemptsUntilSuccess;

  public RecordAttempt(
      ExecutionStore executions,
      AttemptLog attempts,
      RetryNotes notes,
      BudgetStore budgets,
      ProcessedEvents processed,
      CoordinatorEvents events,
      SourceFailures sourceFailures,
      Policies policies,
      RetryContextAssembler assembler,
      RandomGenerator random,
      Clock clock,
      MeterRegistry meters,
      TransactionTemplate transactions,
      FingerprintSettings fingerprints,
      StatementPlans plans) {
    this.executions = executions;
    this.attempts = attempts;
    this.budgets = budgets;
    this.processed = processed;
    this.events = events;
    this.sourceFailures = sourceFailures;
    this.policies = policies;
    this.meters = meters;
    this.transactions = transactions;
    this.plans = plans;
    this.decisions =
        new FailureDecisions(budgets, notes, assembler, random, clock, meters, fingerprints);
    this.attemptsUntilSuccess =
        DistributionSummary.builder("redrive.attempts.until.success")
            .description("The attempt number on which a phase succeeded")
            .publishPercentileHistogram()
            .register(meters);
    this.budgetOvertaken =
        Counter.builder("redrive.budget.overtaken")
            .description(
                "Batches decided again, holding the retry budget's lock, because other consumers"
                    + " spent the budget's headroom while they were decided")
            .register(meters);
    this.recordedMeanwhile =
        Counter.builder("redrive.attempts.recorded.meanwhile")
            .description(
                "Batches decided again because another consumer recorded one of their failures"
                    + " while they were decided (the same reports, during a rebalance)")
            .register(meters);
  }

  /**
   * Records the reports of a batch, in the order given, and decides each failure: one transaction
   * for the whole batch, with its outgoing events. An attempt is started once and ends once: a
   * report of an attempt already recorded that far (a redelivery, or the same report under another
   * event id) changes nothing, which makes a redelivered batch change nothing without a {@code
   * processed_event} entry per report (20-24 us of PostgreSQL per failure). Reports of one
   * execution (or one attempt) are handled in their order: the k-th of each is in round k, each
   * round written set-based and seeing the rounds before it.
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
    record(reports, true);
  }

  /**
   * Records the reports of a batch like {@link #record(List)}.
   *
   * @param keyedByExecution the reports came keyed by their execution ids, as the contract asks, so
   *     that a phase's failures reach one consumer, one at a time: the first failure of a phase
   *     then needs no counter row ({@link AttemptLog#countFailures}). A batch with a report keyed
   *     otherwise counts every failure on its phase's row.
   */
  public void record(List<AttemptReport> reports, boolean keyedByExecution) {
    record(reports, false, keyedByExecution);
  }

  /**
   * Records failures that another system published on its own topic (a configured source) like
   * {@link #record(List)}, once per event id ({@code processed_event}: such a failure may carry no
   * attempt id of its own), and publishes each again as an AttemptFailed on redrive.attempts in the
   * same transaction ({@link SourceFailures}).
   */
  public void recordFromSource(List<AttemptReport.Failed> failures) {
    // a source topic may be keyed otherwise
    record(List.copyOf(failures), true, false);
  }

  private void record(List<AttemptReport> reports, boolean fromSource, boolean inOrder) {
    boolean lockBudgetFirst = false;
    for (int decided = 1; ; decided++) {
      boolean lockFirst = lockBudgetFirst;
      try {
        BatchWrites committed =
            transactions.execute(status -> record(reports, fromSource, inOrder, lockFirst));
        if (committed != null) {
          committed.afterCommit.forEach(Runnable::run);
        }
        return;
      } catch (BudgetOvertaken overtaken) {
        budgetOvertaken.increment();
        log.info(
            "retry budget of {} was spent by other consumers while a batch of {} was decided;"
                + " deciding it again, holding the budget's lock",
            overtaken.scope,
            reports.size());
        lockBudgetFirst = true;
      } catch (AttemptLog.RecordedMeanwhile meanwhile) {
        if (decided == MAX_DECIDED) {
          throw meanwhile;
        }
        recordedMeanwhile.increment();
        log.info(
            "{} while a batch of {} was decided (another consumer had the same reports);"
                + " deciding it again",
            meanwhile.getMessage(),
            reports.size());
      }
    }
  }

  /** One transaction for the batch; null when every report was handled before. */
  private BatchWrites record(
      List<AttemptReport> reports, boolean fromSource, boolean inOrder, boolean lockBudgetFirst) {
    // a report of the attempts topic is recorded once by its attempt id (the attempt log refuses
    // it again, whatever its event id); a failure from a source topic may carry no attempt id of
    // its own, so its event id makes it once, also when its republication comes back on the
    // attempts topic
    List<AttemptReport> fresh =
        firstDeliveries(
            reports, report -> fromSource || sourceFailures.republishes(report.meta().source()));
    if (fresh.isEmpty()) {
      return null;
    }
    List<EventMeta> metas = fresh.stream().map(AttemptReport::meta).toList();
    PolicySet policiesNow = policies.current();
    BatchWrites writes = new BatchWrites(metas, policiesNow, events.batch(), lockBudgetFirst);
    for (List<AttemptReport> round : Rounds.of(fresh)) {
      recordRound(round, writes, inOrder);
    }
    plans.withCachedPlans(
        () -> {
          if (fromSource) {
            // numbered (a source may not number its attempts), and ahead of the decisions
            sourceFailures.republish(writes.failures);
          }
          writes.events.write();
        });
    executions.recordExecutions(metas, writes.executions.values());
    // last: every consumer of the coordinator updates the same budget rows, so their locks are
    // held only from here to the commit
    if (!lockBudgetFirst) {
      lockAndRecheckBudgets(writes.budget, policiesNow.budget());
    }
    budgets.countForBudget(writes.budget.added(), policiesNow.budget().window());
    return writes;
  }

  /**
   * Locks the budgets the batch spends and, when other batches committed retries of them since it
   * read them, weighs its retries again against the window as it is now.
   *
   * @throws BudgetOvertaken when one of them no longer fits
   */
  private void lockAndRecheckBudgets(BudgetTally tally, RetryBudget budget) {
    Set<BudgetScope> spent = tally.spentScopes();
    if (spent.isEmpty() || tally.aloneSinceRead(budgets.lockBudgets(spent))) {
      return;
    }
    Optional<BudgetScope> overtaken =
        tally.overtaken(budgets.budgetWindow(spent, budget.window()).counts(), budget);
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

  /**
   * The reports without the redeliveries among those that {@code byEventId} selects: their event
   * ids are kept in {@code processed_event}, and one seen before is skipped. The others pass.
   */
  private List<AttemptReport> firstDeliveries(
      List<AttemptReport> reports, Predicate<AttemptReport> byEventId) {
    List<String> ids =
        reports.stream()
            .filter(byEventId)
            .map(report -> report.meta().eventId())
            .distinct()
            .toList();
    if (ids.isEmpty()) {
      return reports;
    }
    Set<String> first = new HashSet<>(processed.firstDeliveries(ids));
    List<AttemptReport> fresh = new ArrayList<>();
    for (AttemptReport report : reports) {
      if (!byEventId.test(report) || first.remove(report.meta().eventId())) {
        fresh.add(report);
      } else {
        log.debug("event {} already handled", LogText.escape(report.meta().eventId()));
      }
    }
    return fresh;
  }

  /** One round: every execution and attempt in it at most once. */
  private void recordRound(List<AttemptReport> reports, BatchWrites writes, boolean inOrder) {
    List<AttemptReport> round = numbered(reports);
    List<AttemptReport.Started> started = ofType(round, AttemptReport.Started.class);
    List<AttemptReport.Succeeded> succeeded = ofType(round, AttemptReport.Succeeded.class);
    List<AttemptReport.Failed> failed = ofType(round, AttemptReport.Failed.class);
    writes.failures.addAll(failed);
    Set<String> startedNow = attempts.recordStarted(started);
    Map<String, Boolean> succeededNow = attempts.recordSucceeded(succeeded);
    // a failure is recorded with its decision, at the end of the round; those of attempts that
    // already ended are not decided again
    AttemptLog.KnownAttempts known =
        attempts.known(failed.stream().map(AttemptReport::attemptId).toList());
    Set<String> recorded = new HashSet<>();
    failed.stream()
        .map(AttemptReport::attemptId)
        .filter(id -> !known.ended().contains(id))
        .forEach(recorded::add);
    List<AttemptLog.PhaseFailure> toCount = new ArrayList<>();
    for (AttemptReport.Failed f : failed) {
      if (recorded.contains(f.failure().attemptId())) {
        toCount.add(
            new AttemptLog.PhaseFailure(
                FailureDecisions.key(f),
                f.failure().attemptId(),
                !FailureDecisions.loopHandles(f)));
      }
    }
    Map<PhaseKey, FailureCount> counts = attempts.countFailures(toCount, inOrder);
    Map<PhaseKey, List<Failure>> histories = histories(failed, recorded, counts);
    List<PendingRetry> retries = new ArrayList<>();
    for (AttemptReport report : round) {
      if (report instanceof AttemptReport.Started s) {
        if (startedNow.contains(s.attemptId())) {
          writes.execution(s.meta().executionId(), ExecutionStatus.RUNNING, s.phase(), null);
        } else {
          repeated(s, "started", writes);
        }
      } else if (report instanceof AttemptReport.Succeeded s) {
        Boolean byRetry = succeededNow.get(s.attemptId());
        if (byRetry != null) {
          succeeded(s, byRetry, writes);
        } else {
          repeated(s, "ended", writes);
        }
      } else if (report instanceof AttemptReport.Failed f) {
        if (recorded.contains(f.failure().attemptId())) {
          decisions.decide(f, counts, histories, writes, retries);
        } else {
          repeated(f, "ended", writes);
        }
      }
    }
    decisions.scheduleRetries(retries, writes);
    attempts.recordFailures(List.copyOf(writes.decided), known.started());
    writes.decided.clear();
  }

  /**
   * The failures of each counted phase, oldest first and ending with the one being decided: the
   * earlier ones read back, unless it is the phase's first, which most are.
   */
  private Map<PhaseKey, List<Failure>> histories(
      List<AttemptReport.Failed> failed, Set<String> recorded, Map<PhaseKey, FailureCount> counts) {
    Map<PhaseKey, Failure> deciding = new HashMap<>();
    List<PhaseKey> toRead = new ArrayList<>();
    for (AttemptReport.Failed f : failed) {
      if (recorded.contains(f.failure().attemptId()) && !FailureDecisions.loopHandles(f)) {
        PhaseKey key = FailureDecisions.key(f);
        deciding.put(key, f.failure().asRecorded());
        if (!counts.get(key).first()) {
          toRead.add(key);
        }
      }
    }
    Map<PhaseKey, List<Failure>> earlier = attempts.failures(toRead);
    Map<PhaseKey, List<Failure>> histories = new HashMap<>();
    deciding.forEach(
        (key, failure) -> {
          List<Failure> history = new ArrayList<>(earlier.getOrDefault(key, List.of()));
          history.add(failure);
          histories.put(key, history);
        });
    return histories;
  }

  /**
   * A report of an attempt that was recorded before (a redelivery after a crash or a rebalance, or
   * the reporter sending it again under another event id): it changes nothing.
   */
  private void repeated(AttemptReport report, String already, BatchWrites writes) {
    String type = report.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    writes.afterCommit.add(
        () -> {
          meters.counter("redrive.attempt.reports.repeated", "report", type).increment();
          log.debug(
              "attempt {} of {} was already reported as {}; its {} report changes nothing",
              LogText.escape(report.attemptId()),
              LogText.escape(report.meta().executionId()),
              already,
              type);
        });
  }

  /**
   * @param byRetry a retry command started the attempt (not a first run, not a loop's re-run)
   */
  private void succeeded(AttemptReport.Succeeded s, boolean byRetry, BatchWrites writes) {
    writes.budget.countAttempt(s.meta());
    writes.execution(s.meta().executionId(), ExecutionStatus.RUNNING, s.phase(), null);
    writes.afterCommit.add(
        () -> {
          attemptsUntilSuccess.record(s.attemptNumber());
          if (byRetry) {
            meters.counter("redrive.retries.succeeded", "phase", s.phase()).increment();
          }
        });
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
            .map(FailureDecisions::key)
            .toList();
    if (unnumbered.isEmpty()) {
      return round;
    }
    Map<PhaseKey, Integer> last = attempts.lastAttemptNumbers(unnumbered);
    return round.stream()
        .map(
            report ->
                report instanceof AttemptReport.Failed f && f.failure().attemptNumber() < 1
                    ? new AttemptReport.Failed(
                        f.meta(),
                        f.failure().withAttemptNumber(last.get(FailureDecisions.key(f)) + 1),
                        f.declaredPolicy(),
                        f.loop(),
                        f.attributes())
                    : report)
        .toList();
  }
}
