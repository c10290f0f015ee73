package dev.redrive.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecommendedActionsTest {

  private static final String RETRY_STEP =
      "\n2. Retry build stage: redrive retry exec_1 (add --reset-count for a fresh set of"
          + " attempts)";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MISSING_OUTPUT | Make phase 'build' produce its expected outputs",
        "UNAUTHORIZED_WRITE | Review the quarantined files in artifacts/_untrusted/build",
        "COMMAND_FAILED | Read the error message and the log excerpt (exit code 3) and fix the"
            + " cause",
        "TIMEOUT | Find out why the phase ran past its timeout, or raise the timeout",
        "INTERRUPTED | Nothing to fix in the phase: the runner stopped while it ran (if the stop"
            + " was not planned, find out why in the runner's log)",
        "INFRASTRUCTURE | Check that the phase's command and environment are available",
        "OTHER | Read the error message and the log excerpt and fix the cause",
        "SOMETHING_NEW | Read the error message and the log excerpt and fix the cause"
      })
  void recommendsAFirstStepForTheFailureTypeThenARetryOfTheExecution(
      String type, String firstStep) {
    String action = RecommendedActions.forFailure(type, "exec_1", "build", List.of(), 3, null);

    assertThat(action).isEqualTo("1. " + firstStep + RETRY_STEP);
  }

  @Test
  void leavesOutAnExitCodeThatIsNotKnown() {
    assertThat(
            RecommendedActions.forFailure(
                "COMMAND_FAILED", "exec_1", "build", List.of(), null, null))
        .startsWith("1. Read the error message and the log excerpt and fix the cause\n");
  }

  @Test
  void namesTheFailedChecks() {
    assertThat(
            RecommendedActions.forFailure(
                "EXIT_CRITERIA_NOT_MET",
                "exec_1",
                "build",
                List.of("unit-tests", "coverage"),
                0,
                null))
        .isEqualTo("1. Fix the failed checks: unit-tests, coverage" + RETRY_STEP);
    assertThat(
            RecommendedActions.forFailure(
                "EXIT_CRITERIA_NOT_MET", "exec_1", "build", List.of(), 0, null))
        .startsWith("1. Fix the failed checks\n");
  }

  @Test
  void takesTheFailedChecksOfAFailedAttemptOrTheCriteriaItNamed() {
    FailedAttempt withChecks =
        new FailedAttempt(
            "exec_1",
            "build",
            1,
            2,
            "EXIT_CRITERIA_NOT_MET",
            null,
            "m",
            0,
            null,
            List.of(
                new FailedAttempt.Check("a", false),
                new FailedAttempt.Check("b", true),
                new FailedAttempt.Check("c", false)),
            List.of("ignored"),
            null,
            java.time.Instant.EPOCH,
            null);
    FailedAttempt namedOnly =
        new FailedAttempt(
            "exec_1",
            "build",
            1,
            2,
            "EXIT_CRITERIA_NOT_MET",
            null,
            "m",
            0,
            null,
            List.of(),
            List.of("balance"),
            null,
            java.time.Instant.EPOCH,
            null);

    assertThat(RecommendedActions.forFailure(withChecks))
        .startsWith("1. Fix the failed checks: a, c\n");
    assertThat(RecommendedActions.forFailure(namedOnly))
        .startsWith("1. Fix the failed checks: balance\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"MISSING_OUTPUT", "TIMEOUT", "OTHER"})
  void givesTwoNumberedSteps(String type) {
    assertThat(
            RecommendedActions.forFailure(type, "exec_1", "build", List.of(), null, null).lines())
        .hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("1. "))
        .satisfies(lines -> assertThat(lines.get(1)).startsWith("2. Retry build stage: "));
  }

  @Test
  void shouldSendAPersonToTheEarlierPhaseWhoseOutputIsMissing() {
    // the chain halted at deploy because build's output is missing: build is the one to fix
    String action =
        RecommendedActions.forFailure(
            "MISSING_OUTPUT", "exec_1", "deploy", List.of(), null, "build");

    assertThat(action)
        .isEqualTo(
            "1. Make phase 'build' produce the outputs phase 'deploy' needs\n"
                + "2. Run again from build stage: redrive retry exec_1 --from build");
  }
}
