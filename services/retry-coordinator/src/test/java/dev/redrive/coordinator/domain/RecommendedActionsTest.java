package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RecommendedActionsTest {

  private static final String RETRY_STEP =
      "\n2. Retry phase 'build': redrive retry <execution-id> (--reset-count for a fresh set of"
          + " attempts)";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MISSING_OUTPUT | 1. Check why phase 'build' did not produce its expected outputs",
        "UNAUTHORIZED_WRITE | 1. Review the files quarantined in artifacts/_untrusted/build",
        "COMMAND_FAILED | 1. Read the error report and the log excerpt (exit code 3)",
        "TIMEOUT | 1. Find out why the phase ran past its timeout, or raise the timeout",
        "INTERRUPTED | 1. Check why the runner stopped while the phase ran",
        "INFRASTRUCTURE | 1. Check that the phase's command and environment are available",
        "OTHER | 1. Read the error report"
      })
  void shouldRecommendAFixForTheFailureTypeThenARetryOfThePhase(
      FailureType type, String firstStep) {
    // given
    Failure failure = Failures.soft(type);

    // when
    String action = RecommendedActions.forFailure(failure);

    // then
    assertThat(action).isEqualTo(firstStep + RETRY_STEP);
  }

  @Test
  void shouldNameOnlyTheChecksThatFailed() {
    // given
    Failure failure =
        Failures.failure(
            1,
            FailureType.EXIT_CRITERIA_NOT_MET,
            false,
            "exit criteria not met",
            0,
            List.of(
                Failures.failedCheck("unit-tests", "2 failed"),
                Failures.passedCheck("lint"),
                Failures.failedCheck("coverage", "71% < 80%")),
            null);

    // when
    String action = RecommendedActions.forFailure(failure);

    // then
    assertThat(action).isEqualTo("1. Fix the failed checks: unit-tests, coverage" + RETRY_STEP);
  }

  @ParameterizedTest
  @EnumSource(FailureType.class)
  void shouldGiveTwoNumberedStepsForEveryFailureType(FailureType type) {
    // given
    Failure failure = Failures.soft(type);

    // when
    String action = RecommendedActions.forFailure(failure);

    // then
    assertThat(action.lines().toList())
        .hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("1. "))
        .satisfies(lines -> assertThat(lines.get(1)).startsWith("2. Retry phase 'build'"));
  }
}
