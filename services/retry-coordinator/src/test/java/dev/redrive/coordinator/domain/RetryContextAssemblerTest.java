package dev.redrive.coordinator.domain;

import static dev.redrive.coordinator.domain.Failures.attempt;
import static dev.redrive.coordinator.domain.Failures.failedCheck;
import static dev.redrive.coordinator.domain.Failures.passedCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RetryContextAssemblerTest {

  private static final String MARKER = " [...trimmed]";

  private final RetryContextAssembler assembler = new RetryContextAssembler(65_536);

  @Nested
  class EarlierAttempts {

    @Test
    void shouldListEveryEarlierFailureOldestFirstNotOnlyTheLast() {
      // given
      List<Failure> failures =
          List.of(
              attempt(3, FailureType.TIMEOUT, "third"),
              attempt(1, FailureType.COMMAND_FAILED, "first"),
              attempt(2, FailureType.MISSING_OUTPUT, "second"));

      // when
      RetryContext context = assembler.assemble("exec_1", "build", 4, 5, failures, List.of());

      // then
      assertThat(context.priorAttempts())
          .extracting(AttemptSummary::attemptNumber, AttemptSummary::message)
          .containsExactly(tuple(1, "first"), tuple(2, "second"), tuple(3, "third"));
    }

    @Test
    void shouldCarryWhatEachAttemptDidAndOnlyItsFailedChecks() {
      // given
      Failure failure =
          Failures.failure(
              1,
              FailureType.EXIT_CRITERIA_NOT_MET,
              false,
              "exit criteria not met: unit-tests",
              0,
              List.of(failedCheck("unit-tests", "2 tests failed"), passedCheck("lint")),
              null);

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.priorAttempts())
          .containsExactly(
              new AttemptSummary(
                  "att_1",
                  1,
                  FailureType.EXIT_CRITERIA_NOT_MET,
                  "exit code 3",
                  "exit criteria not met: unit-tests",
                  0,
                  List.of(failedCheck("unit-tests", "2 tests failed")),
                  1_500,
                  "artifacts/_failed/build/attempt-1/",
                  Failures.AT.plusSeconds(1)));
    }

    @Test
    void shouldNameTheExecutionPhaseAndAttemptItIsFor() {
      // when
      RetryContext context =
          assembler.assemble(
              "exec_9",
              "build",
              2,
              3,
              List.of(attempt(1, FailureType.COMMAND_FAILED, "boom")),
              List.of());

      // then
      assertThat(context.executionId()).isEqualTo("exec_9");
      assertThat(context.phase()).isEqualTo("build");
      assertThat(context.currentAttempt()).isEqualTo(2);
      assertThat(context.maxAttempts()).isEqualTo(3);
    }
  }

  @Nested
  class Guidance {

    @Test
    void shouldSayNothingFailedWhenThereIsNoEarlierFailure() {
      // when
      RetryContext context = assembler.assemble("exec_1", "build", 1, 2, List.of(), List.of());

      // then
      assertThat(context.guidance())
          .isEqualTo("This is attempt 1 of 2 for phase 'build'. No earlier attempt failed.");
    }

    @Test
    void shouldNameTheFailureTypeAndMessageForTheSecondAttemptAndSayToKeepWhatWorks() {
      // given
      Failure failure =
          attempt(
              1,
              FailureType.COMMAND_FAILED,
              "error: cannot find module 'data' (expected artifacts/prepare/data.txt)");

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.guidance())
          .isEqualTo(
              "This is attempt 2 of 2 for phase 'build'."
                  + " Attempt 1 failed with COMMAND_FAILED: error: cannot find module 'data'"
                  + " (expected artifacts/prepare/data.txt)."
                  + " Keep the artifacts that are already correct and fix what failed (fix,"
                  + " don't redo).");
    }

    @Test
    void shouldNameTheFailedChecksForTheSecondAttempt() {
      // given
      Failure failure =
          attempt(
              1,
              FailureType.EXIT_CRITERIA_NOT_MET,
              "exit criteria not met: unit-tests, coverage",
              failedCheck("unit-tests", "2 failed"),
              passedCheck("lint"),
              failedCheck("coverage", "71%"));

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.guidance())
          .contains("Attempt 1 failed with EXIT_CRITERIA_NOT_MET")
          .contains(" Check 'unit-tests' did not pass. Check 'coverage' did not pass.")
          .doesNotContain("'lint'");
    }

    @Test
    void shouldPutAMultiLineMessageOnOneLine() {
      // given
      Failure failure = attempt(1, FailureType.COMMAND_FAILED, "  first line\nsecond line\n");

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.guidance())
          .contains("failed with COMMAND_FAILED: first line second line.")
          .doesNotContain("\n");
    }

    @Test
    void shouldSayThereWasNoMessageWhenTheFailureHasNone() {
      // given
      Failure failure = attempt(1, FailureType.TIMEOUT, null);

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.guidance()).contains("Attempt 1 failed with TIMEOUT: (no message).");
    }

    @Test
    void shouldShortenAVeryLongMessageInTheGuidance() {
      // given
      Failure failure = attempt(1, FailureType.COMMAND_FAILED, "x".repeat(1_000));

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 2, 2, List.of(failure), List.of());

      // then
      assertThat(context.guidance()).contains("COMMAND_FAILED: " + "x".repeat(300) + "...");
      assertThat(context.guidance()).doesNotContain("x".repeat(301));
    }

    @Test
    void shouldListEachAttemptAndEachFailedCheckFromTheThirdAttemptOn() {
      // given
      List<Failure> failures =
          List.of(
              Failures.failure(
                  1,
                  FailureType.COMMAND_FAILED,
                  false,
                  "error: cannot find module 'data'",
                  3,
                  List.of(),
                  null),
              attempt(
                  2,
                  FailureType.EXIT_CRITERIA_NOT_MET,
                  "exit criteria not met: unit-tests",
                  failedCheck("unit-tests", "2 failed"),
                  passedCheck("lint")));

      // when
      RetryContext context = assembler.assemble("exec_1", "build", 3, 3, failures, List.of());

      // then
      assertThat(context.guidance())
          .isEqualTo(
              """
              This is attempt 3 of 3 for phase 'build'. Earlier attempts failed; fix each of these:
              - attempt 1: COMMAND_FAILED (exit 3): error: cannot find module 'data'
              - attempt 2: EXIT_CRITERIA_NOT_MET: exit criteria not met: unit-tests
                - check 'unit-tests' failed
              Keep what already works; change only what the list above names.""");
    }

    @Test
    void shouldCallOutAFailedCheckThatKeepsComingBack() {
      // given
      List<Failure> failures =
          List.of(
              attempt(
                  1,
                  FailureType.EXIT_CRITERIA_NOT_MET,
                  "exit criteria not met: unit-tests",
                  failedCheck("unit-tests", "2 failed")),
              attempt(
                  2,
                  FailureType.EXIT_CRITERIA_NOT_MET,
                  "exit criteria not met: unit-tests, lint",
                  failedCheck("unit-tests", "1 failed"),
                  failedCheck("lint", "3 warnings")));

      // when
      RetryContext context = assembler.assemble("exec_1", "build", 3, 4, failures, List.of());

      // then
      assertThat(context.guidance())
          .contains("\n- attempt 1: EXIT_CRITERIA_NOT_MET: exit criteria not met: unit-tests")
          .contains("\n- attempt 2: EXIT_CRITERIA_NOT_MET: exit criteria not met: unit-tests, lint")
          .contains("\n  - check 'lint' failed")
          .contains(
              "\nFailing again the same way: check 'unit-tests', EXIT_CRITERIA_NOT_MET. The"
                  + " previous fix did not work; change the approach.")
          .doesNotContain("check 'lint', ");
    }

    @Test
    void shouldCallOutAFailureTypeThatRepeats() {
      // given
      List<Failure> failures =
          List.of(
              attempt(1, FailureType.TIMEOUT, "ran longer than PT30S"),
              attempt(2, FailureType.COMMAND_FAILED, "exit 1"),
              attempt(3, FailureType.TIMEOUT, "ran longer than PT30S"));

      // when
      RetryContext context = assembler.assemble("exec_1", "build", 4, 5, failures, List.of());

      // then
      assertThat(context.guidance())
          .contains("\n- attempt 1: TIMEOUT: ran longer than PT30S")
          .contains("\n- attempt 2: COMMAND_FAILED: exit 1")
          .contains("\n- attempt 3: TIMEOUT: ran longer than PT30S")
          .contains("\nFailing again the same way: TIMEOUT. The previous fix did not work;");
    }

    @Test
    void shouldNotClaimARepeatWhenEveryAttemptFailedDifferently() {
      // given
      List<Failure> failures =
          List.of(
              attempt(1, FailureType.TIMEOUT, "slow"),
              attempt(2, FailureType.COMMAND_FAILED, "exit 1"));

      // when
      RetryContext context = assembler.assemble("exec_1", "build", 3, 3, failures, List.of());

      // then
      assertThat(context.guidance()).doesNotContain("Failing again");
    }

    @Test
    void shouldIncludeTheNotesOfAPerson() {
      // given
      List<String> notes = List.of("use the staging mirror", "the flaky test is known");

      // when
      RetryContext context =
          assembler.assemble(
              "exec_1",
              "build",
              2,
              2,
              List.of(attempt(1, FailureType.COMMAND_FAILED, "boom")),
              notes);

      // then
      assertThat(context.notes())
          .containsExactly("use the staging mirror", "the flaky test is known");
      assertThat(context.guidance())
          .endsWith(
              "\nNote from a person: use the staging mirror"
                  + "\nNote from a person: the flaky test is known");
    }

    @Test
    void shouldIncludeNotesAlsoWhenListingSeveralAttempts() {
      // given
      List<Failure> failures =
          List.of(
              attempt(1, FailureType.COMMAND_FAILED, "a"),
              attempt(2, FailureType.COMMAND_FAILED, "b"));

      // when
      RetryContext context =
          assembler.assemble("exec_1", "build", 3, 3, failures, List.of("look at the proxy"));

      // then
      assertThat(context.guidance())
          .contains("Keep what already works")
          .endsWith("\nNote from a person: look at the proxy");
    }
  }

  @Nested
  class SizeBound {

    // Each attempt below counts 1000 (message) + 11 (errorType) + 34 (artifacts location)
    // + 64 (fixed overhead) + 10 (check name) + 1000 (excerpt) = 2119 characters; trimmed to
    // 200 + 13 (marker) characters per text it counts 545.

    private static final String MESSAGE_1 = "1".repeat(1_000);
    private static final String MESSAGE_2 = "2".repeat(1_000);
    private static final String MESSAGE_3 = "3".repeat(1_000);

    private List<Failure> threeLargeFailures() {
      return List.of(
          attempt(
              3,
              FailureType.COMMAND_FAILED,
              MESSAGE_3,
              failedCheck("unit-tests", "c".repeat(1_000))),
          attempt(
              1,
              FailureType.COMMAND_FAILED,
              MESSAGE_1,
              failedCheck("unit-tests", "a".repeat(1_000))),
          attempt(
              2,
              FailureType.COMMAND_FAILED,
              MESSAGE_2,
              failedCheck("unit-tests", "b".repeat(1_000))));
    }

    @Test
    void shouldKeepOnlyTheNewestNotesThatFitHalfTheBoundAndSaySo() {
      // given twenty notes of 1,000 characters and a bound of 6,000 (3,000 for notes)
      List<String> notes = new java.util.ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        notes.add(i + ":" + "n".repeat(998 - String.valueOf(i).length()) + ".");
      }
      RetryContextAssembler small = new RetryContextAssembler(6_000);

      // when
      RetryContext context =
          small.assemble(
              "exec_1",
              "build",
              2,
              2,
              List.of(attempt(1, FailureType.COMMAND_FAILED, "boom")),
              notes);

      // then the three newest are kept, in their order, and the guidance says the rest were left
      assertThat(context.notes()).containsExactly(notes.get(17), notes.get(18), notes.get(19));
      assertThat(context.truncated()).isTrue();
      assertThat(context.guidance())
          .contains(
              "(17 earlier notes left out to keep the context small; the audit has them all.)")
          .endsWith("\nNote from a person: " + notes.get(19));
      assertThat(context.guidance().length()).isLessThan(4_000);
    }

    @Test
    void shouldTrimANewestNoteLongerThanTheWholeNotesBudget() {
      RetryContextAssembler small = new RetryContextAssembler(2_048);

      RetryContext context =
          small.assemble("exec_1", "build", 2, 2, List.of(), List.of("old", "x".repeat(5_000)));

      assertThat(context.notes()).hasSize(1);
      assertThat(context.notes().get(0)).hasSize(1_024).endsWith(RetryContextAssembler.TRIM_MARKER);
      assertThat(context.guidance()).contains("(1 earlier note left out");
    }

    @Test
    void shouldNotTrimAnythingWhenTheContextIsUnderTheBound() {
      // given
      RetryContextAssembler roomy = new RetryContextAssembler(10_000);

      // when
      RetryContext context =
          roomy.assemble("exec_1", "build", 4, 5, threeLargeFailures(), List.of());

      // then
      assertThat(context.truncated()).isFalse();
      assertThat(context.priorAttempts())
          .extracting(AttemptSummary::message)
          .containsExactly(MESSAGE_1, MESSAGE_2, MESSAGE_3);
      assertThat(context.priorAttempts())
          .flatExtracting(AttemptSummary::failedChecks)
          .extracting(CheckOutcome::outputExcerpt)
          .containsExactly("a".repeat(1_000), "b".repeat(1_000), "c".repeat(1_000));
    }

    @Test
    void shouldNotTrimAnythingWhenTheContextIsExactlyAtTheBound() {
      // given
      RetryContextAssembler exact = new RetryContextAssembler(3 * 2_119);

      // when
      RetryContext context =
          exact.assemble("exec_1", "build", 4, 5, threeLargeFailures(), List.of());

      // then
      assertThat(context.truncated()).isFalse();
      assertThat(context.priorAttempts())
          .extracting(AttemptSummary::message)
          .containsExactly(MESSAGE_1, MESSAGE_2, MESSAGE_3);
    }

    @Test
    void shouldTrimTheOldestAttemptFirstAndStopAsSoonAsTheContextFits() {
      // given 3 x 2119 = 6357 over the bound; 545 + 2 x 2119 = 4783 under it
      RetryContextAssembler bounded = new RetryContextAssembler(5_000);

      // when
      RetryContext context =
          bounded.assemble("exec_1", "build", 4, 5, threeLargeFailures(), List.of());

      // then
      assertThat(context.truncated()).isTrue();
      AttemptSummary oldest = context.priorAttempts().get(0);
      assertThat(oldest.message()).isEqualTo("1".repeat(200) + MARKER);
      assertThat(oldest.failedChecks())
          .containsExactly(failedCheck("unit-tests", "a".repeat(200) + MARKER));
      assertThat(context.priorAttempts().get(1).message()).isEqualTo(MESSAGE_2);
      assertThat(context.priorAttempts().get(2).message()).isEqualTo(MESSAGE_3);
      assertThat(context.priorAttempts().get(2).failedChecks())
          .containsExactly(failedCheck("unit-tests", "c".repeat(1_000)));
    }

    @Test
    void shouldTrimOlderAttemptsInOrderWhileTheNewestStaysIntact() {
      // given 545 + 2119 + 2119 = 4783 still over the bound; 545 + 545 + 2119 = 3209 under it
      RetryContextAssembler bounded = new RetryContextAssembler(3_500);

      // when
      RetryContext context =
          bounded.assemble("exec_1", "build", 4, 5, threeLargeFailures(), List.of());

      // then
      assertThat(context.truncated()).isTrue();
      assertThat(context.priorAttempts())
          .extracting(AttemptSummary::message)
          .containsExactly("1".repeat(200) + MARKER, "2".repeat(200) + MARKER, MESSAGE_3);
      assertThat(context.priorAttempts())
          .flatExtracting(AttemptSummary::failedChecks)
          .extracting(CheckOutcome::outputExcerpt)
          .containsExactly("a".repeat(200) + MARKER, "b".repeat(200) + MARKER, "c".repeat(1_000));
    }

    @Test
    void shouldKeepShortTextsOfATrimmedAttemptAsTheyAre() {
      // given
      Failure oldest =
          attempt(
              1,
              FailureType.COMMAND_FAILED,
              "short message",
              failedCheck("unit-tests", "x".repeat(5_000)));
      Failure newest = attempt(2, FailureType.COMMAND_FAILED, "newest message");
      RetryContextAssembler bounded = new RetryContextAssembler(1_000);

      // when
      RetryContext context =
          bounded.assemble("exec_1", "build", 3, 3, List.of(oldest, newest), List.of());

      // then
      assertThat(context.truncated()).isTrue();
      AttemptSummary trimmed = context.priorAttempts().get(0);
      assertThat(trimmed.message()).isEqualTo("short message");
      assertThat(trimmed.failedChecks().get(0).outputExcerpt()).isEqualTo("x".repeat(200) + MARKER);
      assertThat(context.priorAttempts().get(1).message()).isEqualTo("newest message");
    }

    @Test
    void shouldKeepAllOtherFieldsOfATrimmedAttempt() {
      // given
      RetryContextAssembler bounded = new RetryContextAssembler(5_000);

      // when
      RetryContext context =
          bounded.assemble("exec_1", "build", 4, 5, threeLargeFailures(), List.of());

      // then
      AttemptSummary oldest = context.priorAttempts().get(0);
      assertThat(oldest.attemptId()).isEqualTo("att_1");
      assertThat(oldest.attemptNumber()).isEqualTo(1);
      assertThat(oldest.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(oldest.errorType()).isEqualTo("exit code 3");
      assertThat(oldest.durationMs()).isEqualTo(1_500);
      assertThat(oldest.artifactsLocation()).isEqualTo("artifacts/_failed/build/attempt-1/");
      assertThat(oldest.occurredAt()).isEqualTo(Failures.AT.plusSeconds(1));
    }
  }

  @Test
  void shouldNotSayTruncatedWhenTrimmingChangedNothing() {
    // given short messages and a bound that the fixed per-attempt overhead alone exceeds
    RetryContextAssembler tight = new RetryContextAssembler(100);
    List<Failure> failures =
        List.of(
            Failures.attempt(1, FailureType.COMMAND_FAILED, "boom"),
            Failures.attempt(2, FailureType.COMMAND_FAILED, "bang"));

    // when
    RetryContext context = tight.assemble("exec-1", "build", 3, 3, failures, List.of());

    // then
    assertThat(context.truncated()).isFalse();
    assertThat(context.priorAttempts())
        .extracting(AttemptSummary::message)
        .containsExactly("boom", "bang");
  }
}
