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
    assertThat(RetryRequestRules.check(status, false, null, PHASES, false, true))
        .hasValueSatisfying(
            refusal -> {
              assertThat(refusal.kind()).isEqualTo(Refusal.Kind.NOT_FAILED);
              assertThat(refusal.reason())
                  .startsWith(
                      "Cannot retry - process is not in failed status. Current status: " + status);
            });
    assertThat(RetryRequestRules.check(status, true, null, PHASES, false, true)).isEmpty();
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
