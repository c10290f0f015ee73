package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.RetryRequestRules.Refusal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryRequestRulesTest {

  private static final List<String> PHASES = List.of("prepare", "build", "deploy");

  @Test
  void shouldAllowARetryOfAPausedExecution() {
    assertThat(RetryRequestRules.check(ExecutionStatus.PAUSED, false, null, PHASES, false, true))
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = ExecutionStatus.class, names = "PAUSED", mode = EnumSource.Mode.EXCLUDE)
  void shouldRefuseEveryOtherStatusWithTheReferenceMessageUnlessForced(ExecutionStatus status) {
    // an execution of an outside system: the coordinator cannot know what its runner refuses
    assertThat(RetryRequestRules.check(status, false, null, PHASES, false, false))
        .hasValueSatisfying(
            refusal -> {
              assertThat(refusal.kind()).isEqualTo(Refusal.Kind.NOT_FAILED);
              assertThat(refusal.reason())
                  .startsWith(
                      "Cannot retry - process is not in failed status. Current status: " + status);
            });
    assertThat(RetryRequestRules.check(status, true, null, PHASES, false, false)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionStatus.class,
      names = {"RUNNING", "RETRY_SCHEDULED", "CANCELLED"})
  void shouldRefuseEvenAForcedRetryInPlaceThatThePhaseRunnerCouldNotRun(ExecutionStatus status) {
    for (boolean force : new boolean[] {false, true}) {
      assertThat(RetryRequestRules.check(status, force, null, PHASES, false, true))
          .hasValueSatisfying(
              refusal -> {
                assertThat(refusal.kind()).isEqualTo(Refusal.Kind.NOT_RUNNABLE);
                assertThat(refusal.reason()).startsWith("Cannot retry").doesNotContain("<");
              });
    }
    // a new execution does not depend on this one's state
    assertThat(RetryRequestRules.check(status, true, null, PHASES, true, true)).isEmpty();
  }

  @Test
  void shouldLetAForcedResumeRunACancelledExecutionAgain() {
    assertThat(
            RetryRequestRules.check(ExecutionStatus.CANCELLED, true, "build", PHASES, false, true))
        .isEmpty();
    assertThat(RetryRequestRules.check(ExecutionStatus.RUNNING, true, "build", PHASES, false, true))
        .hasValueSatisfying(
            refusal -> assertThat(refusal.kind()).isEqualTo(Refusal.Kind.NOT_RUNNABLE));
  }

  @Test
  void shouldTellToResumeOrResubmitWhenARetryInPlaceOfACancelledExecutionIsAsked() {
    assertThat(RetryRequestRules.check(ExecutionStatus.CANCELLED, true, null, PHASES, false, true))
        .hasValueSatisfying(
            refusal ->
                assertThat(refusal.reason())
                    .contains("was cancelled")
                    .contains("--from PHASE --force")
                    .contains("--new"));
  }

  @Test
  void shouldRefuseAnUnknownPhaseNamingTheValidOnesEvenWhenForced() {
    assertThat(RetryRequestRules.check(ExecutionStatus.PAUSED, true, "test", PHASES, false, true))
        .hasValueSatisfying(
            refusal -> {
              assertThat(refusal.kind()).isEqualTo(Refusal.Kind.UNKNOWN_PHASE);
              assertThat(refusal.reason())
                  .isEqualTo("Unknown phase 'test'. Valid phases: prepare, build, deploy");
            });
  }

  @Test
  void shouldRefuseToResubmitAnExecutionThatRedriveDoesNotRun() {
    assertThat(RetryRequestRules.check(ExecutionStatus.PAUSED, false, null, PHASES, true, false))
        .hasValueSatisfying(
            refusal -> assertThat(refusal.kind()).isEqualTo(Refusal.Kind.NOT_RESUBMITTABLE));
  }

  @Test
  void shouldRunAgainFromTheGivenPhaseToTheEnd() {
    assertThat(RetryRequestRules.phasesToRun(PHASES, "build")).containsExactly("build", "deploy");
    assertThat(RetryRequestRules.phasesToRun(PHASES, "prepare")).containsExactlyElementsOf(PHASES);
  }
}
