package dev.redrive.coordinator.app;

import dev.redrive.contract.AttemptBound;
import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.ErrorFingerprint;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Explanations;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RepeatedFailureRule;
import dev.redrive.coordinator.domain.ResolvedPolicy;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of {@link RecordAttempt} about the failures of one round: retry within the retry
 * budget, with an assembled context, or pause for a person. What they write is gathered in the
 * batch's {@link BatchWrites}.
 */
final class FailureDecisions {

  /** The decisions log under the use case's name, where operators look for them. */
  private static final Logger log = LoggerFactory.getLogger(RecordAttempt.class);

  /**
   * The {@code pipeline} tag of a failure that names no pipeline (another system's, which has
   * none): a fixed word, so that dashboards can select it, rather than the text "null".
   */
  static final String NO_PIPELINE = "none";

  private final BudgetStore budgets;
  private final RetryNotes notes;
  private final RetryContextAssembler assembler;
  private final RandomGenerator random;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Timer decisionLatency;
  private final RepeatedFailureRule repeated;
  private final FingerprintClasses classes;

  FailureDecisions(
      BudgetStore budgets,
      RetryNotes notes,
      RetryContextAssembler assembler,
      RandomGenerator random,
      Clock clock,
      MeterRegistry meters,
      FingerprintSettings fingerprints) {
    this.repeated = fingerprints.repeated();
    this.classes = new FingerprintClasses(fingerprints.maxClasses());
    this.budgets = budgets;
    this.notes = notes;
    this.assembler = assembler;
    this.random = random;
    this.clock = clock;
    this.meters = meters;
    this.decisionLatency =
        Timer.builder("redrive.decision.latency")
            .description("From a failure's occurrence to the coordinator's decision")
            .publishPercentileHistogram()
            .register(meters);
    Counter.builder("redrive.retries.refused")
        .description(
            "Retries refused: by the retry budget (budget) or a person's request (request)")
        .tag("reason", "budget")
        .register(meters);
  }

  /** A retry decided in a round, whose context is assembled once the round's notes are read. */
  record PendingRetry(
      AttemptReport.Failed report,
      Decision.Retry retry,
      String lastError,
      int maxAttempts,
      RetryPolicy policy,
      List<Failure> history,
      DecisionExplanation why) {}

  /**
   * Whether the pipeline's own loop handles the failure (the runner already went back to an earlier
   * phase): recorded, not counted, not retried; once the loop is exhausted the failure is decided
   * as usual.
   */
  static boolean loopHandles(AttemptReport.Failed report) {
    return report.loop() != null && report.loop().handlesTheFailure();
  }

  /** The phase's own policy as the failure carries it, or null when it declares none. */
  private static PolicyOverride declared(AttemptReport.Failed report) {
    return PolicyOverride.NONE.equals(report.declaredPolicy()) ? null : report.declaredPolicy();
  }

  static PhaseKey key(AttemptReport.Failed report) {
    return new PhaseKey(report.meta().executionId(), report.failure().phase());
  }

  /**
   * Decides a failure that was recorded: retry (its context is assembled once the round's notes are
   * read, see {@link #scheduleRetries}) or pause for a person.
   */
  void decide(
      AttemptReport.Failed report,
      Map<PhaseKey, FailureCount> counts,
      Map<PhaseKey, List<Failure>> histories,
      BatchWrites writes,
      List<PendingRetry> retries) {
    EventMeta meta = report.meta();
    Failure failure = report.failure();
    ErrorFingerprint fingerprint = failure.fingerprint();
    writes.afterCommit.add(
        () ->
            meters
                .counter(
                    "redrive.failures",
                    "pipeline",
                    meta.pipeline() == null ? NO_PIPELINE : meta.pipeline(),
                    "phase",
                    failure.phase(),
                    "type",
                    failure.type().name())
                .increment());
    writes.afterCommit.add(
        () ->
            meters
                .counter(
                    "redrive.failures.by.fingerprint",
                    "class",
                    classes.tag(fingerprint.errorClass()))
                .increment());
    writes.budget.countAttempt(meta);
    writes.failed(meta.executionId(), failure.type());
    if (loopHandles(report)) {
      writes.afterCommit.add(
          () ->
              log.info(
                  "execution {}: phase {} failed a check and its pipeline's loop sends it back to"
                      + " {}; not counted",
                  LogText.escape(meta.executionId()),
                  LogText.escape(failure.phase()),
                  LogText.escape(report.loop().target())));
      writes.decided.add(new DecidedFailure(report, RecordedDecision.LOOP));
      return;
    }
    int failedAttempts = counts.get(key(report)).counted();
    ResolvedPolicy resolved =
        writes.policies.resolve(
            meta.executionId(),
            meta.source(),
            meta.pipeline(),
            failure.phase(),
            report.declaredPolicy());
    RetryPolicy policy = resolved.policy();
    List<Failure> history = histories.getOrDefault(key(report), List.of());
    Instant firstFailureAt = history.isEmpty() ? failure.occurredAt() : history.get(0).occurredAt();
    Decision decision =
        policy.decide(meta.executionId(), failedAttempts, firstFailureAt, failure, random);
    List<String> budgetWeighed = new ArrayList<>(2);
    if (decision instanceof Decision.Retry) {
      Decision.Intervene same =
          repeated.check(meta.executionId(), countedSinceReset(history, failedAttempts), failure);
      decision = same != null ? same : withinBudget(meta, failure, decision, writes, budgetWeighed);
    }
    writes.decided.add(new DecidedFailure(report, RecordedDecision.of(decision)));
    DecisionExplanation why =
        Explanations.of(
            meta.executionId(),
            resolved,
            failedAttempts,
            failure,
            decision,
            budgetWeighed,
            firstFailureAt,
            fingerprint.id(),
            exhaustedOnRepeat(decision, meta, history, failedAttempts, failure));
    String lastError = failure.type() + ": " + failure.message();
    // attempt numbers only grow, the counter does not count what a loop handled and a reset
    // zeroes it; a reporter that does not number its attempts (0) is numbered by the counter
    int attemptNumber = Math.max(failure.attemptNumber(), failedAttempts);
    if (decision instanceof Decision.Retry retry) {
      int nextAttempt = attemptNumber + 1;
      writes.budget.countRetry(meta);
      retries.add(
          new PendingRetry(
              report,
              new Decision.Retry(nextAttempt, retry.delay(), retry.reason()),
              lastError,
              AttemptBound.lastAttempt(nextAttempt, policy.maxAttempts(), failedAttempts),
              policy,
              history,
              why));
    } else if (decision instanceof Decision.Intervene intervene) {
      int bound = AttemptBound.lastAttempt(attemptNumber, policy.maxAttempts(), failedAttempts - 1);
      writes.execution(meta.executionId(), ExecutionStatus.PAUSED, failure.phase(), lastError);
      writes.decided(
          meta.executionId(),
          new ExplainedDecision(
              failure.phase(),
              attemptNumber,
              ExplainedDecision.INTERVENE,
              intervene.cause().name(),
              intervene.reason(),
              clock.instant(),
              null,
              declared(report),
              why));
      writes.events.interventionRequired(meta, failure, bound, intervene, history, why);
      Duration latency = Duration.between(failure.occurredAt(), clock.instant()).abs();
      writes.afterCommit.add(
          () -> {
            meters
                .counter(
                    "redrive.interventions",
                    "phase",
                    failure.phase(),
                    "cause",
                    intervene.cause().name())
                .increment();
            if (intervene.cause() == Decision.Cause.ATTEMPTS_EXHAUSTED) {
              meters.counter("redrive.retries.exhausted", "phase", failure.phase()).increment();
            }
            log.warn(
                "execution {} paused at phase {}: {}",
                LogText.escape(meta.executionId()),
                LogText.escape(failure.phase()),
                LogText.escape(intervene.reason()));
            decisionLatency.record(latency);
          });
    }
  }

  /**
   * The phase's failures counted since its counter was last reset (a person's fresh set of
   * attempts): the last {@code failedAttempts} of its history, which ends with this failure.
   */
  static List<Failure> countedSinceReset(List<Failure> history, int failedAttempts) {
    return history.subList(Math.max(0, history.size() - failedAttempts), history.size());
  }

  /**
   * Whether attempts ran out on a failure that the repeated-failure stop would have ended anyway:
   * then a higher maxAttempts is no advice (explain says so).
   */
  private boolean exhaustedOnRepeat(
      Decision decision,
      EventMeta meta,
      List<Failure> history,
      int failedAttempts,
      Failure failure) {
    return decision instanceof Decision.Intervene intervene
        && intervene.cause() == Decision.Cause.ATTEMPTS_EXHAUSTED
        && repeated.check(meta.executionId(), countedSinceReset(history, failedAttempts), failure)
            != null;
  }

  /** Reads the notes of the round's retries (one statement) and schedules each retry. */
  void scheduleRetries(List<PendingRetry> retries, BatchWrites writes) {
    Map<PhaseKey, List<String>> byPhase =
        notes.notes(retries.stream().map(r -> key(r.report())).toList());
    for (PendingRetry retry : retries) {
      scheduleRetry(retry, byPhase.getOrDefault(key(retry.report()), List.of()), writes);
    }
  }

  /**
   * The retry, or a refusal when the pipeline's or the source's retry budget is used up. The first
   * retry a batch weighs reads the budgets of all the batch's scopes (locking them first when the
   * batch is decided again, see {@link RecordAttempt#record(List)}).
   */
  private Decision withinBudget(
      EventMeta meta, Failure failure, Decision retry, BatchWrites writes, List<String> weighed) {
    RetryBudget budget = writes.policies.budget();
    if (!writes.budget.loaded()) {
      Set<BudgetScope> scopes = BudgetTally.scopes(writes.metas);
      if (writes.lockBudgetFirst) {
        budgets.lockBudgets(scopes);
      }
      writes.budget.load(budgets.budgetWindow(scopes, budget.window()));
    }
    List<BudgetScope> scopes = BudgetTally.scopes(meta);
    for (BudgetScope scope : scopes) {
      BudgetCounts counts = writes.budget.counts(scope);
      weighed.add(
          Explanations.budgetState(
              budget, scope.scope() + " " + scope.name(), counts.retries(), counts.attempts()));
      if (!budget.allowsOneMore(counts.retries(), counts.attempts())) {
        writes.afterCommit.add(
            () -> meters.counter("redrive.retries.refused", "reason", "budget").increment());
        return new Decision.Intervene(
            Decision.Cause.BUDGET_USED_UP,
            budget.refusal(scope.scope() + " " + scope.name(), counts.retries(), counts.attempts()),
            ("1. Find out why phase '%s' fails everywhere at once%n"
                    + "2. When it is fixed, retry the paused executions in bulk (POST /api/v1/retries)")
                .formatted(failure.phase()));
      }
    }
    scopes.forEach(writes.budget::allowed);
    return retry;
  }

  private void scheduleRetry(PendingRetry pending, List<String> notes, BatchWrites writes) {
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
    String commandId = TimeOrderedIds.uuid();
    Instant notBefore = DueTimes.atMillis(clock.instant().plus(retry.delay()));
    ExplainedDecision decision =
        new ExplainedDecision(
            failure.phase(),
            retry.nextAttempt() - 1,
            ExplainedDecision.RETRY,
            null,
            retry.reason(),
            clock.instant(),
            notBefore,
            declared(pending.report()),
            pending.why());
    writes.retried(meta.executionId(), commandId);
    writes.execution(
        meta.executionId(), ExecutionStatus.RETRY_SCHEDULED, failure.phase(), pending.lastError());
    // the why is kept with the retry's messages as sent: no wider execution row on every failure
    writes.events.retryScheduled(
        meta, commandId, retry, context, notBefore, pending.policy(), null, decision);
    Duration latency = Duration.between(failure.occurredAt(), clock.instant()).abs();
    writes.afterCommit.add(
        () -> {
          meters.counter("redrive.retries.scheduled", "phase", failure.phase()).increment();
          // DEBUG: a retry is an event (RetryScheduled), an audit entry and a meter already; at
          // thousands of decisions a second a line each would be most of the log and a few
          // percent of the coordinator's CPU (the local launcher shows them)
          if (log.isDebugEnabled()) {
            log.debug(
                "execution {} phase {}: retry {} scheduled in {} ms ({})",
                LogText.escape(meta.executionId()),
                LogText.escape(failure.phase()),
                retry.nextAttempt(),
                retry.delay().toMillis(),
                LogText.escape(retry.reason()));
          }
          decisionLatency.record(latency);
        });
  }
}
