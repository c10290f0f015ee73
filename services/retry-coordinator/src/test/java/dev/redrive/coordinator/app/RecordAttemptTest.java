package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.RecordedEvents.InterventionRequired;
import dev.redrive.coordinator.app.RecordedEvents.RetryScheduled;
import dev.redrive.coordinator.domain.AttemptSummary;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.Decision.Cause;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.LoopState;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.domain.whatif.RecordedDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Recording attempts and deciding failures, against in-memory ports: no Spring, Kafka or SQL. */
class RecordAttemptTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String EXECUTION = "exec-1";

  /** A configured source topic, whose failures the coordinator republishes. */
  private static final String SOURCE = "billing-topic";

  /** Three attempts in all, one second apart: two automatic retries. */
  private static final RetryPolicy THREE_ATTEMPTS =
      new RetryPolicy(3, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), Jitter.NONE, Set.of());

  private final InMemoryAttemptLog attempts = new InMemoryAttemptLog();
  private final InMemoryExecutions executions = new InMemoryExecutions(attempts);
  private final InMemoryRequests requests = new InMemoryRequests();
  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();
  private final RecordedEvents events = new RecordedEvents();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AttemptReport.Failed> republished = new java.util.ArrayList<>();
  private final RecordAttempt recordAttempt =
      new RecordAttempt(
          executions,
          attempts,
          requests,
          budgets,
          new InMemoryProcessedEvents(),
          events,
          new SourceFailures() {
            @Override
            public void republish(List<AttemptReport.Failed> failures) {
              republished.addAll(failures);
            }

            @Override
            public boolean republishes(String source) {
              return SOURCE.equals(source);
            }
          },
          () ->
              new PolicySet(
                  0,
                  PolicyCatalog.of(THREE_ATTEMPTS),
                  new RetryBudget(0.5, Duration.ofMinutes(1), 10),
                  Map.of()),
          new RetryContextAssembler(10_000),
          new Random(7),
          Clock.fixed(NOW, ZoneOffset.UTC),
          meters,
          NoTransactions.template(),
          FingerprintSettings.defaults(),
          Runnable::run);

  @Test
  void shouldScheduleARetryWithTheNextAttemptNumberWhenAFailureIsWithinThePolicy() {
    // given nothing of the execution yet

    // when its first attempt of "build" fails
    recordAttempt.record(List.of(failed("evt-1", 1)));

    // then attempt 2 is scheduled, with a context that tells of attempt 1
    RetryScheduled retry = events.of(RetryScheduled.class).get(0);
    assertThat(retry.retry().nextAttempt()).isEqualTo(2);
    assertThat(retry.context().currentAttempt()).isEqualTo(2);
    assertThat(retry.requester()).as("an automatic retry").isNull();
    assertThat(retry.decision().outcome()).isEqualTo(ExplainedDecision.RETRY);
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.RETRY_SCHEDULED);
    assertThat(attempts.failedAttempts(EXECUTION, "build")).isEqualTo(1);
    assertThat(meters.counter("redrive.retries.scheduled", "phase", "build").count()).isEqualTo(1);
  }

  @Test
  void shouldPauseTheExecutionWhenItsAttemptsAreExhausted() {
    // given two failed attempts of "build", each retried
    recordAttempt.record(List.of(failed("evt-1", 1)));
    recordAttempt.record(List.of(failed("evt-2", 2)));

    // when the third and last one fails too
    recordAttempt.record(List.of(failed("evt-3", 3)));

    // then no retry follows: the execution pauses for a person
    assertThat(events.of(RetryScheduled.class))
        .extracting(r -> r.retry().nextAttempt())
        .containsExactly(2, 3);
    InterventionRequired paused = events.of(InterventionRequired.class).get(0);
    assertThat(paused.failure().attemptNumber()).isEqualTo(3);
    assertThat(paused.maxAttempts()).as("attempt 3 was the last one").isEqualTo(3);
    assertThat(paused.decision().reason())
        .isEqualTo("attempts exhausted: 3 failures counted, 3 attempts allowed");
    assertThat(paused.decision().recommendedAction()).contains("redrive retry exec-1");
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.PAUSED);
    assertThat(executions.execution(EXECUTION).orElseThrow().lastError())
        .isEqualTo("COMMAND_FAILED: exit code 1");
    assertThat(meters.counter("redrive.retries.exhausted", "phase", "build").count()).isEqualTo(1);
  }

  @Test
  void shouldKeepWhyEachDecisionWasMadeWithTheExecution() {
    // given a first failure, retried
    recordAttempt.record(List.of(failed("evt-1", 1)));
    ExplainedDecision retried = events.of(RetryScheduled.class).get(0).decision();

    // when the third and last attempt fails too
    recordAttempt.record(List.of(failed("evt-2", 2)));
    recordAttempt.record(List.of(failed("evt-3", 3)));

    // then the retry said, with its messages, how its delay came about and what the budget held
    assertThat(retried.outcome()).isEqualTo(ExplainedDecision.RETRY);
    assertThat(retried.dueAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(retried.why().delay().formula())
        .isEqualTo("1000ms x 1^0 = 1000ms; no jitter: 1000ms");
    assertThat(retried.why().budget())
        .as("the pipeline's budget and the source's")
        .hasSize(2)
        .first()
        .asString()
        .startsWith("pipeline payments: 0 retries for 1 attempts");
    assertThat(retried.why().origins()).containsEntry("maxAttempts", "default");
    // and the pause says what would have changed it
    ExplainedDecision paused = executions.lastDecision(EXECUTION).orElseThrow();
    assertThat(paused.cause()).isEqualTo("ATTEMPTS_EXHAUSTED");
    assertThat(paused.why().failuresCounted()).isEqualTo(3);
    assertThat(paused.why().wouldChange())
        .contains(
            "under maxAttempts=3 (set by default): with maxAttempts 4 or more this failure would"
                + " have been retried",
            "a retry with a reset count starts counting again: redrive retry exec-1 --reset-count");
    assertThat(events.of(InterventionRequired.class).get(0).why()).isEqualTo(paused.why());
  }

  @Test
  void shouldMoveTheBoundUpByTheAttemptsBeforeACountReset() {
    // given three failed attempts of "build" and then a person's reset of its count
    recordAttempt.record(List.of(failed("evt-1", 1)));
    recordAttempt.record(List.of(failed("evt-2", 2)));
    recordAttempt.record(List.of(failed("evt-3", 3)));
    attempts.resetCount(EXECUTION, "build");

    // when attempt 4 fails
    recordAttempt.record(List.of(failed("evt-4", 4)));

    // then attempt 5 is scheduled, and the policy's three attempts count from attempt 4 on
    RetryScheduled retry = events.of(RetryScheduled.class).get(2);
    assertThat(retry.retry().nextAttempt()).isEqualTo(5);
    assertThat(retry.context().maxAttempts()).isEqualTo(6);
    assertThat(retry.context().guidance()).startsWith("This is attempt 5 of 6 for phase 'build'.");
  }

  @Test
  void shouldIgnoreAnEventWhoseIdWasHandledBefore() {
    // given a failure that was recorded and retried
    recordAttempt.record(List.of(failed("evt-1", 1)));

    // when the same event arrives again (a redelivery), alone and within a batch
    recordAttempt.record(List.of(failed("evt-1", 1)));
    recordAttempt.record(List.of(failed("evt-1", 1), failed("evt-1", 1)));

    // then it is neither counted nor retried again
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
    assertThat(attempts.failedAttempts(EXECUTION, "build")).isEqualTo(1);
    assertThat(budgets.counts.get(new BudgetScope("pipeline", "payments")))
        .isEqualTo(new BudgetCounts(1, 1));
  }

  @Test
  void shouldChangeNothingWhenABatchOfStartedSucceededAndFailedReportsIsDeliveredAgain() {
    // given attempt 1 started and failed (retried), then attempt 2 started and succeeded
    EventMeta first = meta("evt-s1");
    List<AttemptReport> batch =
        List.of(
            new AttemptReport.Started(first, "att-1", "build", 1, null),
            failed("evt-f1", 1),
            new AttemptReport.Started(meta("evt-s2"), "att-2", "build", 2, "cmd-2"),
            new AttemptReport.Succeeded(meta("evt-ok2"), "att-2", "build", 2, 50));
    recordAttempt.record(batch);
    ExecutionStatus after = executions.status(EXECUTION);
    BudgetCounts budget = budgets.counts.get(new BudgetScope("pipeline", "payments"));

    // when the whole batch arrives again (its offsets were never committed), and once more with
    // the started report under a new event id
    recordAttempt.record(batch);
    recordAttempt.record(
        List.of(new AttemptReport.Started(meta("evt-s1b"), "att-1", "build", 1, null)));

    // then nothing is counted, retried or set again
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
    assertThat(executions.status(EXECUTION)).isEqualTo(after);
    assertThat(budgets.counts.get(new BudgetScope("pipeline", "payments"))).isEqualTo(budget);
    assertThat(meters.counter("redrive.retries.succeeded", "phase", "build").count()).isEqualTo(1);
    assertThat(meters.counter("redrive.attempt.reports.repeated", "report", "started").count())
        .isEqualTo(3);
    assertThat(meters.counter("redrive.attempt.reports.repeated", "report", "succeeded").count())
        .isEqualTo(1);
    assertThat(meters.counter("redrive.attempt.reports.repeated", "report", "failed").count())
        .isEqualTo(1);
  }

  @Test
  void shouldPauseInsteadOfRetryingWhenTheRetryBudgetIsSpent() {
    // given a pipeline whose window already holds as many retries as its budget allows
    budgets.counts.put(new BudgetScope("pipeline", "payments"), new BudgetCounts(10, 10));

    // when one more failure could be retried by its policy
    recordAttempt.record(List.of(failed("evt-1", 1)));

    // then the budget refuses: the execution pauses, and the refusal says why
    assertThat(events.of(RetryScheduled.class)).isEmpty();
    assertThat(events.of(InterventionRequired.class).get(0).decision().reason())
        .startsWith("retry budget of pipeline payments exhausted");
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.PAUSED);
  }

  @Test
  void shouldRecordButNeitherCountNorRetryAFailedCheckThatThePipelinesLoopHandles() {
    // when a check fails and the pipeline's loop already went back to "develop"
    recordAttempt.record(List.of(failed("evt-1", 1, new LoopState("develop", false))));

    // then nothing is decided: the failure is only recorded
    assertThat(events.of(RetryScheduled.class)).isEmpty();
    assertThat(events.of(InterventionRequired.class)).isEmpty();
    assertThat(attempts.failedAttempts(EXECUTION, "build")).isZero();
    assertThat(
            meters
                .counter(
                    "redrive.failures",
                    "pipeline",
                    "payments",
                    "phase",
                    "build",
                    "type",
                    "COMMAND_FAILED")
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldKeepWhatEachFailureGotForTheWhatIfReplay() {
    // given a failed check the loop handled, then failures retried until the attempts ran out
    recordAttempt.record(List.of(failed("evt-0", 1, new LoopState("develop", false))));
    recordAttempt.record(List.of(failed("evt-1", 2)));
    recordAttempt.record(List.of(failed("evt-2", 3)));
    recordAttempt.record(List.of(failed("evt-3", 4)));

    // then each decision is kept with its failure, a retry with the delay it drew
    assertThat(attempts.decisions.values())
        .extracting(d -> d.decision().kind())
        .containsExactly(
            RecordedDecision.Kind.LOOP,
            RecordedDecision.Kind.RETRY,
            RecordedDecision.Kind.RETRY,
            RecordedDecision.Kind.INTERVENE);
    assertThat(attempts.decisions.values())
        .last()
        .satisfies(d -> assertThat(d.decision().cause()).isEqualTo(Cause.ATTEMPTS_EXHAUSTED));
    List<Long> delays =
        events.of(RetryScheduled.class).stream().map(r -> r.retry().delay().toMillis()).toList();
    assertThat(
            attempts.decisions.values().stream()
                .filter(d -> d.decision().kind() == RecordedDecision.Kind.RETRY)
                .map(d -> d.decision().delay().toMillis()))
        .containsExactlyElementsOf(delays);
  }

  @Test
  void shouldDecideAFailedCheckWhoseLoopIsExhaustedLikeAnyFailure() {
    recordAttempt.record(List.of(failed("evt-1", 1, new LoopState("develop", true))));

    assertThat(events.of(RetryScheduled.class)).hasSize(1);
    assertThat(attempts.failedAttempts(EXECUTION, "build")).isEqualTo(1);
  }

  @Test
  void shouldTellOfTheFailuresTheLoopHandledInTheContextOfTheFirstCountedOne() {
    // given a failed check that the loop handled (recorded, not counted)
    recordAttempt.record(List.of(failed("evt-1", 1, new LoopState("develop", false))));

    // when the phase's first counted failure comes
    recordAttempt.record(List.of(failed("evt-2", 2)));

    // then its history is not the failure alone: the retry context tells of both attempts
    RetryScheduled retry = events.of(RetryScheduled.class).get(0);
    assertThat(retry.context().priorAttempts())
        .extracting(AttemptSummary::attemptId)
        .containsExactly("att-1", "att-2");
    assertThat(attempts.failedAttempts(EXECUTION, "build")).isEqualTo(1);
  }

  @Test
  void shouldTagTheFailuresOfAnotherSystemWithoutAPipelineAsNoneNotNull() {
    // given a failure of another system, which names no pipeline
    AttemptReport.Failed external = ofAnotherSystem(failed("evt-1", 1), "ext-1", "billing");

    // when it is recorded
    recordAttempt.record(List.of(external));

    // then its failure is counted under pipeline "none"
    assertThat(meters.find("redrive.failures").counters())
        .singleElement()
        .satisfies(c -> assertThat(c.getId().getTag("pipeline")).isEqualTo("none"));
  }

  @Test
  void shouldTellAnotherSystemsFailureAgainOnceAndDecideItOnceWhenDeliveredTwice() {
    // given a failure another system published on its own topic
    AttemptReport.Failed failure = failed("billing-0@17", 1);

    // when it is delivered twice
    recordAttempt.recordFromSource(List.of(failure));
    recordAttempt.recordFromSource(List.of(failure));

    // then it is published again once, in Redrive's words, and retried once
    assertThat(republished).containsExactly(failure);
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
  }

  @Test
  void shouldSkipItsOwnRepublicationOfASourcesFailureWhenItComesBackOnTheAttemptsTopic() {
    // given a failure read from a source topic, decided and published again on redrive.attempts
    AttemptReport.Failed fromSource = ofAnotherSystem(failed("billing-0@19", 1), EXECUTION, SOURCE);
    recordAttempt.recordFromSource(List.of(fromSource));

    // when the attempts listener reads the republished failure
    recordAttempt.record(List.of(republished.get(0)));

    // then it is skipped by its event id, as handled, not as a repeated report
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
    assertThat(meters.find("redrive.attempt.reports.repeated").counters()).isEmpty();
  }

  @Test
  void shouldTellAnotherSystemsUnnumberedFailureAgainWithTheNumberItWasGiven() {
    // given a source that does not number its attempts (0), whose phase failed once before
    attempts.failedBefore(EXECUTION, failed("evt-0", 1).failure());

    // when its next failure comes
    recordAttempt.recordFromSource(List.of(failed("billing-0@18", 0)));

    // then it is told again as attempt 2, which redrive.attempts accepts (attempts count from 1)
    assertThat(republished)
        .singleElement()
        .satisfies(f -> assertThat(f.failure().attemptNumber()).isEqualTo(2));
  }

  @Test
  void shouldAskAPersonWhenTheSameFailureRepeatsOnUnchangedInputsAndArtifacts() {
    // given a failure of "build" that was retried
    recordAttempt.record(List.of(failed("evt-1", 1, "in-1", "out-1")));

    // when the retry fails the same way on the same inputs and artifacts
    recordAttempt.record(List.of(failed("evt-2", 2, "in-1", "out-1")));

    // then no second retry follows, although the policy allows three attempts
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
    InterventionRequired paused = events.of(InterventionRequired.class).get(0);
    assertThat(paused.decision().cause()).isEqualTo(Decision.Cause.REPEATED_FAILURE);
    assertThat(paused.decision().reason())
        .startsWith("the same failure fp_")
        .contains("(COMMAND_FAILED: CommandFailed: exit code <n>)")
        .endsWith("a retry would run the same thing again");
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.PAUSED);
    assertThat(
            meters
                .counter("redrive.interventions", "phase", "build", "cause", "REPEATED_FAILURE")
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .counter("redrive.failures.by.fingerprint", "class", "COMMAND_FAILED/CommandFailed")
                .count())
        .isEqualTo(2);
  }

  @Test
  void shouldKeepRetryingWhenTheInputsChanged() {
    recordAttempt.record(List.of(failed("evt-1", 1, "in-1", "out-1")));

    recordAttempt.record(List.of(failed("evt-2", 2, "in-2", "out-1")));

    assertThat(events.of(RetryScheduled.class)).hasSize(2);
    assertThat(events.of(InterventionRequired.class)).isEmpty();
  }

  @Test
  void shouldWeighOnlyTheFailuresSinceAPersonResetTheCount() {
    // given a failure, and a person's reset of the phase's count before it was retried
    recordAttempt.record(List.of(failed("evt-1", 1, "in-1", "out-1")));
    attempts.resetCount(EXECUTION, "build");

    // when the retry fails the same way
    recordAttempt.record(List.of(failed("evt-2", 2, "in-1", "out-1")));

    // then it is the first of a fresh set of attempts: retried
    assertThat(events.of(RetryScheduled.class)).hasSize(2);
  }

  private static AttemptReport.Failed failed(String eventId, int attemptNumber) {
    return failed(eventId, attemptNumber, null);
  }

  /** The failure as another system reports it: no pipeline, its own execution id and source. */
  private static AttemptReport.Failed ofAnotherSystem(
      AttemptReport.Failed failure, String executionId, String source) {
    EventMeta meta = failure.meta();
    return new AttemptReport.Failed(
        new EventMeta(
            meta.eventId(), executionId, null, source, meta.occurredAt(), meta.correlationId()),
        failure.failure(),
        PolicyOverride.NONE,
        null,
        Map.of());
  }

  private static EventMeta meta(String eventId) {
    return new EventMeta(eventId, EXECUTION, "payments", "runner", NOW, eventId);
  }

  private static AttemptReport.Failed failed(
      String eventId, int attemptNumber, String inputs, String artifacts) {
    AttemptReport.Failed failed = failed(eventId, attemptNumber);
    Failure f = failed.failure();
    return new AttemptReport.Failed(
        failed.meta(),
        new Failure(
            f.attemptId(),
            f.phase(),
            f.attemptNumber(),
            f.type(),
            f.hard(),
            f.errorType(),
            f.message(),
            f.exitCode(),
            f.checks(),
            f.durationMs(),
            f.artifactsLocation(),
            f.occurredAt(),
            f.retryAfter(),
            f.missingOutputOf(),
            inputs,
            artifacts),
        failed.declaredPolicy(),
        failed.loop(),
        failed.attributes());
  }

  private static AttemptReport.Failed failed(String eventId, int attemptNumber, LoopState loop) {
    EventMeta meta = new EventMeta(eventId, EXECUTION, "payments", "runner", NOW, eventId);
    Failure failure =
        new Failure(
            "att-" + attemptNumber,
            "build",
            attemptNumber,
            FailureType.COMMAND_FAILED,
            false,
            "CommandFailed",
            "exit code 1",
            1,
            List.of(),
            100,
            null,
            NOW.minusSeconds(10 - attemptNumber),
            null,
            null);
    return new AttemptReport.Failed(meta, failure, PolicyOverride.NONE, loop, Map.of());
  }
}
