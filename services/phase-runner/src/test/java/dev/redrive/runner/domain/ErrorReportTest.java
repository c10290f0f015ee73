package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorReportTest {

  private static final Instant AT = Instant.parse("2025-03-01T10:15:30.789Z");

  private static AttemptOutcome failedChecks() {
    return new AttemptOutcome(
        FailureType.EXIT_CRITERIA_NOT_MET,
        false,
        "exit criteria not met",
        "exit criteria not met: unit-tests",
        0,
        List.of(
            new CheckResult("lint", true, "clean"),
            new CheckResult("unit-tests", false, "2 tests failed")),
        "compiling\nerror: 2 tests failed",
        1_234);
  }

  private static AttemptOutcome outcome(FailureType type, List<CheckResult> checks) {
    return new AttemptOutcome(type, false, null, "boom", 3, checks, "", 10);
  }

  @Test
  void shouldFormatTheReferenceErrorLogLayout() {
    // given
    AttemptOutcome outcome = failedChecks();

    // when
    String report =
        ErrorReport.format(
            AT,
            "build",
            2,
            2,
            outcome,
            "artifacts/_failed/build/attempt-2/",
            ErrorReport.recommendedAction("build", outcome));

    // then
    assertThat(report)
        .isEqualTo(
            """
            ============================================
            ERROR REPORT
            ============================================
            Timestamp: 2025-03-01T10:15:30Z
            Stage: build
            Attempt: 2/2
            Status: FAILED

            Error Type: EXIT_CRITERIA_NOT_MET (exit criteria not met)
            Error Message: exit criteria not met: unit-tests

            Stack Trace:
              compiling
              error: 2 tests failed

            Exit Criteria Failed:
              - [x] lint
              - [ ] unit-tests (FAILED)

            Failed Artifacts Moved To:
              artifacts/_failed/build/attempt-2/

            Recommended Action:
              1. Fix the failed checks: unit-tests
              2. Retry build stage (redrive retry <execution-id>)

            ============================================
            """);
  }

  @Test
  void shouldHaveEveryHeadingOfTheReferenceInOrder() {
    // when
    String report =
        ErrorReport.format(
            AT, "build", 2, 2, failedChecks(), "artifacts/_failed/build/attempt-2/", "fix it");

    // then
    assertThat(report)
        .containsSubsequence(
            "ERROR REPORT",
            "Timestamp: ",
            "Stage: ",
            "Attempt: 2/2",
            "Status: FAILED",
            "Error Type: ",
            "Error Message: ",
            "Stack Trace:",
            "Exit Criteria Failed:",
            "- [x] lint",
            "- [ ] unit-tests (FAILED)",
            "Failed Artifacts Moved To:",
            "Recommended Action:");
  }

  @Test
  void shouldSayWhenNoExitCriteriaRanAndThereIsNoLog() {
    // given
    AttemptOutcome outcome =
        new AttemptOutcome(
            FailureType.TIMEOUT,
            false,
            null,
            "phase build ran longer than PT30S and was killed",
            null,
            List.of(),
            "  \n",
            30_000);

    // when
    String report =
        ErrorReport.format(
            AT, "build", 1, 2, outcome, "artifacts/_failed/build/attempt-1/", "wait");

    // then
    assertThat(report)
        .contains("Attempt: 1/2\n")
        .contains("Error Type: TIMEOUT\n")
        .contains("Error Message: phase build ran longer than PT30S and was killed\n")
        .contains("Stack Trace:\n  (none)\n")
        .contains("Exit Criteria Failed:\n  (no exit criteria ran)\n");
  }

  @Test
  void shouldTreatAMissingLogLikeAnEmptyOne() {
    // given
    AttemptOutcome outcome =
        new AttemptOutcome(FailureType.OTHER, false, null, "?", null, List.of(), null, 0);

    // when
    String report = ErrorReport.format(AT, "build", 1, 1, outcome, "a/", "x");

    // then
    assertThat(report).contains("Stack Trace:\n  (none)\n");
  }

  @Test
  void shouldIndentEveryLineOfAMultiLineRecommendedAction() {
    // when
    String report =
        ErrorReport.format(AT, "build", 1, 2, failedChecks(), "a/", "first\nsecond\nthird");

    // then
    assertThat(report).contains("Recommended Action:\n  first\n  second\n  third\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MISSING_OUTPUT | Make phase 'build' produce its expected outputs",
        "UNAUTHORIZED_WRITE | Review the quarantined files in artifacts/_untrusted/build",
        "COMMAND_FAILED | Read the log excerpt above (exit code 3) and fix the cause",
        "TIMEOUT | Find out why the phase ran past its timeout, or raise the timeout",
        "INTERRUPTED | Nothing to fix in the phase: the runner stopped while it ran",
        "INFRASTRUCTURE | Check that the command exists and can run on the runner",
        "OTHER | Read the log excerpt above"
      })
  void shouldRecommendAFirstStepForTheFailureTypeThenARetry(FailureType type, String firstStep) {
    // given
    AttemptOutcome outcome = outcome(type, List.of());

    // when
    String action = ErrorReport.recommendedAction("build", outcome);

    // then
    assertThat(action)
        .isEqualTo("1. " + firstStep + "\n2. Retry build stage (redrive retry <execution-id>)");
  }

  @Test
  void shouldRecommendFixingEveryFailedCheckByName() {
    // given
    AttemptOutcome outcome =
        outcome(
            FailureType.EXIT_CRITERIA_NOT_MET,
            List.of(
                new CheckResult("a", false, ""),
                new CheckResult("b", true, ""),
                new CheckResult("c", false, "")));

    // when
    String action = ErrorReport.recommendedAction("build", outcome);

    // then
    assertThat(action).startsWith("1. Fix the failed checks: a, c\n");
  }

  @ParameterizedTest
  @EnumSource(FailureType.class)
  void shouldProduceAReportForEveryFailureType(FailureType type) {
    // given
    AttemptOutcome outcome = outcome(type, List.of());

    // when
    String report =
        ErrorReport.format(
            AT, "build", 1, 2, outcome, "a/", ErrorReport.recommendedAction("build", outcome));

    // then
    assertThat(report)
        .contains("Error Type: " + type + "\n")
        .endsWith("============================================\n");
  }
}
