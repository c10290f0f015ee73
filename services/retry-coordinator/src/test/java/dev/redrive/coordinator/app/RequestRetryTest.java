package dev.redrive.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.RecordedEvents.ResumeRequested;
import dev.redrive.coordinator.app.RecordedEvents.RetryRejected;
import dev.redrive.coordinator.app.RecordedEvents.RetryScheduled;
import dev.redrive.coordinator.app.RetryAnswer.Result;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A person's retry requests, against in-memory ports: no Spring, Kafka or SQL. */
class RequestRetryTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String EXECUTION = "exec-1";
  private static final List<String> PHASES = List.of("fetch", "build", "deploy");

  private final InMemoryAttemptLog attempts = new InMemoryAttemptLog();
  private final InMemoryExecutions executions = new InMemoryExecutions(attempts);
  private final InMemoryRequests requests = new InMemoryRequests();
  private final RecordedEvents events = new RecordedEvents();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RequestRetry requestRetry =
      new RequestRetry(
          requests,
          executions,
          executions,
          attempts,
          requests,
          events,
          () ->
              new PolicySet(
                  0,
                  PolicyCatalog.of(RetryPolicy.defaults()),
                  new RetryBudget(0.2, Duration.ofMinutes(1), 10),
                  Map.of()),
          new RetryContextAssembler(10_000),
          Clock.fixed(NOW, ZoneOffset.UTC),
          meters,
          new RequestRetry.RunnerSource("runner"));

  @Test
  void shouldScheduleTheNextAttemptOfAPausedExecutionWithThePersonsNote() {
    // given an execution paused at "build" after its two attempts failed
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.PAUSED, "build", PHASES);
    attempts.failedBefore(EXECUTION, failure(1));
    attempts.failedBefore(EXECUTION, failure(2));

    // when a person asks for a retry, with a note
    RetryAnswer answer = requestRetry.request(request("req-1", false, "the disk is bigger now"));

    // then attempt 3 of "build" is scheduled, carrying the history and the note
    assertThat(answer.result()).isEqualTo(Result.ACCEPTED);
    assertThat(answer.phase()).isEqualTo("build");
    RetryScheduled retry = events.of(RetryScheduled.class).get(0);
    assertThat(retry.retry().nextAttempt()).isEqualTo(3);
    assertThat(retry.context().currentAttempt()).isEqualTo(3);
    assertThat(retry.context().notes()).containsExactly("alice: the disk is bigger now");
    assertThat(retry.requester().requestedBy()).isEqualTo("alice");
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.RETRY_SCHEDULED);
    assertThat(requests.answers).containsEntry("req-1", answer);
    // and explain shows the person's retry as the last decision, not the pause it ended
    ExplainedDecision kept = retry.decision();
    assertThat(kept.outcome()).isEqualTo(ExplainedDecision.RETRY);
    assertThat(kept.reason()).isEqualTo("retry requested by alice");
    assertThat(kept.why().failuresCounted()).isEqualTo(2);
    assertThat(kept.why().wouldChange())
        .singleElement()
        .asString()
        .startsWith("a person asked for this retry; if it fails, the policy decides again: pause");
  }

  @Test
  void shouldTellAForcedRetryAfterASuccessThatThePhaseSucceeded() {
    // given an execution whose "build" failed once, then succeeded
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.SUCCEEDED, "build", PHASES);
    attempts.failedBefore(EXECUTION, failure(1));
    attempts.succeededBefore(EXECUTION, "build", 2);

    // when a person forces a retry of it
    RetryAnswer answer = requestRetry.request(request("req-9", true, null));

    // then attempt 3's context still lists the failure, and its guidance says attempt 2 succeeded
    assertThat(answer.result()).isEqualTo(Result.ACCEPTED);
    RetryScheduled retry = events.of(RetryScheduled.class).get(0);
    assertThat(retry.context().currentAttempt()).isEqualTo(3);
    assertThat(retry.context().priorAttempts())
        .extracting(a -> a.attemptNumber())
        .containsExactly(1);
    assertThat(retry.context().guidance())
        .contains("Attempt 1 failed with TIMEOUT")
        .contains("Attempt 2 succeeded. The last run (attempt 2) succeeded");
  }

  @Test
  void shouldGiveARetryInPlaceAfterACountResetAFreshSetOfAttempts() {
    // given an execution paused at "build" after its two attempts failed
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.PAUSED, "build", PHASES);
    attempts.failedBefore(EXECUTION, failure(1));
    attempts.failedBefore(EXECUTION, failure(2));

    // when a person retries it with a reset of the count
    requestRetry.request(
        new RetryRequest("req-5", EXECUTION, false, false, true, null, null, false, "alice", null));

    // then attempt 3 may be followed by attempt 4: two attempts from here on
    RetryScheduled retry = events.of(RetryScheduled.class).get(0);
    assertThat(retry.retry().nextAttempt()).isEqualTo(3);
    assertThat(retry.context().maxAttempts()).isEqualTo(4);
  }

  @Test
  void shouldKeepTheCountOfAResumedPhase() {
    // given an execution paused at "build" after its two attempts failed
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.PAUSED, "build", PHASES);
    attempts.failedBefore(EXECUTION, failure(1));
    attempts.failedBefore(EXECUTION, failure(2));

    // when a person resumes from "build" without a reset
    requestRetry.request(
        new RetryRequest(
            "req-6", EXECUTION, false, false, false, "build", null, false, "alice", null));

    // then its third attempt is its last: a resume does not reset the count
    assertThat(events.of(ResumeRequested.class))
        .singleElement()
        .satisfies(
            resume -> {
              assertThat(resume.attemptNumber()).isEqualTo(3);
              assertThat(resume.maxAttempts()).isEqualTo(3);
            });
  }

  @Test
  void shouldGiveAResumedPhaseThatNeverFailedItsWholePolicyFromItsNextAttempt() {
    // given an execution paused at "build" after its two attempts failed
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.PAUSED, "build", PHASES);
    attempts.failedBefore(EXECUTION, failure(1));
    attempts.failedBefore(EXECUTION, failure(2));

    // and "fetch", whose first attempt succeeded
    attempts.attempts.put(
        "att-fetch-1",
        new InMemoryAttemptLog.Attempt(new PhaseKey(EXECUTION, "fetch"), 1, "SUCCEEDED", null));

    // when a person resumes from "fetch"
    requestRetry.request(
        new RetryRequest(
            "req-7", EXECUTION, false, false, false, "fetch", null, false, "alice", null));

    // then "fetch" runs as attempt 2, and nothing counted keeps it from an attempt 3
    assertThat(events.of(ResumeRequested.class))
        .singleElement()
        .satisfies(
            resume -> {
              assertThat(resume.toPhase()).isEqualTo("fetch");
              assertThat(resume.attemptNumber()).isEqualTo(2);
              assertThat(resume.maxAttempts()).isEqualTo(3);
            });
  }

  @Test
  void shouldAnswerWhyWhenARetryOfARunningExecutionIsRefused() {
    // given an execution that is still running
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.RUNNING, "build", PHASES);

    // when a retry is requested without force
    RetryAnswer answer = requestRetry.request(request("req-2", false, null));

    // then it is refused, the answer and the RetryRejected decision say why, and nothing runs
    assertThat(answer.result()).isEqualTo(Result.NOT_RUNNABLE);
    assertThat(answer.currentStatus()).isEqualTo("RUNNING");
    assertThat(answer.message()).contains("a phase of this execution is running");
    assertThat(events.of(RetryRejected.class))
        .singleElement()
        .satisfies(
            rejected -> {
              assertThat(rejected.reason()).isEqualTo(answer.message());
              assertThat(rejected.requestedBy()).isEqualTo("alice");
            });
    assertThat(events.of(RetryScheduled.class)).isEmpty();
    assertThat(executions.status(EXECUTION)).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(meters.counter("redrive.retries.refused", "reason", "request").count()).isEqualTo(1);
  }

  @Test
  void shouldAnswerARepeatedRequestIdAsBeforeWithoutRetryingAgain() {
    // given a request that was answered
    executions.given(EXECUTION, "payments", "runner", ExecutionStatus.PAUSED, "build", PHASES);
    RetryAnswer first = requestRetry.request(request("req-3", false, null));

    // when the same request id comes again
    RetryAnswer again = requestRetry.request(request("req-3", false, null));

    // then it gets the same answer and one retry runs
    assertThat(again).isEqualTo(first);
    assertThat(events.of(RetryScheduled.class)).hasSize(1);
  }

  @Test
  void shouldRefuseAnUnknownExecution() {
    // given no execution at all

    // when a retry of one is requested
    RetryAnswer answer = requestRetry.request(request("req-4", true, null));

    // then the answer says it is unknown
    assertThat(answer.result()).isEqualTo(Result.NOT_FOUND);
    assertThat(answer.message()).isEqualTo("No execution 'exec-1' is known to the coordinator.");
  }

  private static RetryRequest request(String requestId, boolean force, String note) {
    return new RetryRequest(
        requestId, EXECUTION, false, force, false, null, note, false, "alice", null);
  }

  private static Failure failure(int attemptNumber) {
    return new Failure(
        "att-" + attemptNumber,
        "build",
        attemptNumber,
        FailureType.TIMEOUT,
        false,
        "Timeout",
        "took too long",
        null,
        List.of(),
        100,
        null,
        NOW.minusSeconds(100 - attemptNumber),
        null,
        null);
  }
}
