package dev.redrive.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecutionSummaryTest {

  private static final Instant T0 = Instant.parse("2026-11-23T15:41:51Z");

  @Test
  void summarizesPipelineStatusPhaseFailureTimesAndAttempts() {
    ExecutionSummary summary =
        ExecutionSummary.empty("exec-1")
            .applyAll(
                List.of(
                    event("ExecutionStarted", 0, "demo", null, null),
                    event("AttemptStarted", 1, "demo", null, "build"),
                    event("AttemptFailed", 2, "demo", "COMMAND_FAILED", "build"),
                    event("RetryScheduled", 3, null, null, "build"),
                    event("AttemptStarted", 4, "demo", null, "build"),
                    event("AttemptFailed", 5, "demo", "TIMEOUT", "build"),
                    event("InterventionRequired", 6, null, "TIMEOUT", "build")));

    assertThat(summary.pipeline()).isEqualTo("demo");
    assertThat(summary.status()).isEqualTo(ExecutionStatus.PAUSED);
    assertThat(summary.phase()).isEqualTo("build");
    assertThat(summary.lastFailureType()).isEqualTo("TIMEOUT");
    assertThat(summary.attempts()).isEqualTo(2);
    assertThat(summary.events()).isEqualTo(7);
    assertThat(summary.firstEventAt()).isEqualTo(T0);
    assertThat(summary.lastEventAt()).isEqualTo(T0.plusSeconds(6));
    assertThat(summary.lastEventType()).isEqualTo("InterventionRequired");
  }

  @Test
  void anEventThatOccurredEarlierButArrivesLaterDoesNotTurnTheStatusBack() {
    ExecutionSummary summary =
        ExecutionSummary.empty("exec-1")
            .applyAll(
                List.of(
                    event("ExecutionSucceeded", 10, "demo", null, null),
                    // the failure of an earlier attempt, delivered late
                    event("AttemptFailed", 5, "demo", "COMMAND_FAILED", "build")));

    assertThat(summary.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(summary.lastEventAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(summary.lastEventType()).isEqualTo("ExecutionSucceeded");
    assertThat(summary.lastFailureType()).isEqualTo("COMMAND_FAILED");
    assertThat(summary.firstEventAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void theSummaryOfSomeEventsIsTheSameWhateverTheirOrderAndBatches() {
    List<ExecutionSummary.Event> events =
        List.of(
            event("ExecutionStarted", 0, "demo", null, null),
            event("AttemptStarted", 1, "demo", null, "prepare"),
            event("AttemptSucceeded", 2, "demo", null, "prepare"),
            event("AttemptStarted", 3, "demo", null, "build"),
            event("AttemptFailed", 4, "demo", "EXIT_CRITERIA_NOT_MET", "build"),
            event("RetryScheduled", 5, null, null, "build"),
            event("AttemptStarted", 6, "demo", null, "build"));
    ExecutionSummary inOrder = ExecutionSummary.empty("exec-1").applyAll(events);
    Random random = new Random(42);
    for (int run = 0; run < 50; run++) {
      List<ExecutionSummary.Event> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, random);
      int split = random.nextInt(shuffled.size());
      ExecutionSummary inBatches =
          ExecutionSummary.empty("exec-1")
              .applyAll(shuffled.subList(0, split))
              .applyAll(shuffled.subList(split, shuffled.size()));

      assertThat(inBatches).isEqualTo(inOrder);
    }
    assertThat(inOrder.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(inOrder.phase()).isEqualTo("build");
    assertThat(inOrder.attempts()).isEqualTo(3);
  }

  @Test
  void agreesWithTheStatusVocabularyOfEveryEventType() {
    assertThat(ExecutionSummary.statusAfter("AttemptFailed")).contains(ExecutionStatus.HALTED);
    assertThat(ExecutionSummary.statusAfter("ExecutionHalted")).contains(ExecutionStatus.HALTED);
    assertThat(ExecutionSummary.statusAfter("RetryScheduled"))
        .contains(ExecutionStatus.RETRY_SCHEDULED);
    assertThat(ExecutionSummary.statusAfter("ExecutionCancelled"))
        .contains(ExecutionStatus.CANCELLED);
    assertThat(ExecutionSummary.statusAfter("RolledBack")).contains(ExecutionStatus.RUNNING);
    assertThat(ExecutionSummary.statusAfter("RetryContextAssembled")).isEmpty();
    assertThat(ExecutionSummary.empty("x").status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void keepsTheOriginalAndTheResubmissionsNamingAtMostTwentyAndCountingAll() {
    ExecutionSummary original = ExecutionSummary.empty("exec-1");
    for (int i = 0; i < 25; i++) {
      original = original.apply(link(i, null, "exec-1-r" + i));
    }
    original = original.apply(link(30, null, "exec-1-r3")); // the same link again
    ExecutionSummary resubmission =
        ExecutionSummary.empty("exec-1-r0")
            .apply(link(1, "exec-1", null))
            .apply(link(2, "exec-other", null));

    assertThat(original.resubmissions())
        .hasSize(ExecutionSummary.MAX_LINKS)
        .startsWith("exec-1-r0", "exec-1-r1");
    assertThat(original.resubmissionCount()).isEqualTo(25);
    assertThat(original.originalExecutionId()).isNull();
    assertThat(resubmission.originalExecutionId()).isEqualTo("exec-1");
  }

  private static ExecutionSummary.Event event(
      String type, int second, String pipeline, String failureType, String phase) {
    return new ExecutionSummary.Event(
        type, T0.plusSeconds(second), pipeline, failureType, new EventFacts(phase, null, null));
  }

  private static ExecutionSummary.Event link(int second, String resubmitOf, String resubmittedAs) {
    return new ExecutionSummary.Event(
        resubmitOf != null ? "StartExecution" : "ExecutionResubmitted",
        T0.plusSeconds(second),
        null,
        null,
        new EventFacts(null, resubmitOf, resubmittedAs));
  }
}
