package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The repeated-failure stop: the same failure on unchanged inputs and artifacts asks a person. */
class RepeatedFailureRuleTest {

  private static final String INPUTS = "a".repeat(64);
  private static final String ARTIFACTS = "b".repeat(64);

  private final RepeatedFailureRule rule = RepeatedFailureRule.defaults();

  @Test
  void shouldStopTheSecondIdenticalFailureOnUnchangedInputsAndArtifacts() {
    // given a failure of build, and the same one again on the same inputs and artifacts
    Failure first = failure(1, "connection to db-1.internal:5432 refused", INPUTS, ARTIFACTS);
    Failure second = failure(2, "connection to db-2.internal:5432 refused", INPUTS, ARTIFACTS);

    // when the rule weighs the second
    Decision.Intervene stop = rule.check("exec-1", List.of(first, second), second);

    // then a person is asked, in words that say why
    assertThat(stop).isNotNull();
    assertThat(stop.cause()).isEqualTo(Decision.Cause.REPEATED_FAILURE);
    assertThat(stop.reason())
        .isEqualTo(
            "the same failure %s (COMMAND_FAILED: exit code <n>: connection to <host>:<n> refused)"
                    .formatted(second.fingerprint().id())
                + " repeated twice on unchanged inputs and artifacts; a retry would run the same"
                + " thing again");
    assertThat(stop.recommendedAction())
        .startsWith("1. Change what phase 'build' runs on")
        .contains("redrive retry exec-1 --reset-count")
        .contains("redrive fingerprints show " + second.fingerprint().id());
    assertThat(rule.check("exec-1", List.of(first), second))
        .as("the history may leave the failure itself out")
        .isNotNull();
  }

  @Test
  void shouldLetItRetryWhenTheInputsOrTheArtifactsChanged() {
    Failure first = failure(1, "tests failed", INPUTS, ARTIFACTS);

    assertThat(
            rule.check("e", List.of(first), failure(2, "tests failed", "c".repeat(64), ARTIFACTS)))
        .isNull();
    assertThat(rule.check("e", List.of(first), failure(2, "tests failed", INPUTS, "d".repeat(64))))
        .isNull();
  }

  @Test
  void shouldNeverTakeUnknownDigestsForUnchanged() {
    Failure first = failure(1, "tests failed", null, null);

    assertThat(rule.check("e", List.of(first), failure(2, "tests failed", null, null))).isNull();
    assertThat(
            rule.check(
                "e",
                List.of(failure(1, "tests failed", INPUTS, null)),
                failure(2, "tests failed", INPUTS, null)))
        .isNull();
  }

  @Test
  void shouldLetAnotherFailureRetry() {
    Failure first = failure(1, "tests failed", INPUTS, ARTIFACTS);

    assertThat(rule.check("e", List.of(first), failure(2, "lint failed", INPUTS, ARTIFACTS)))
        .isNull();
    assertThat(rule.check("e", List.of(), failure(1, "tests failed", INPUTS, ARTIFACTS)))
        .as("a first failure repeats nothing")
        .isNull();
  }

  @Test
  void shouldNeverStopFailuresThatRepeatByNature() {
    Failure first = failure(1, FailureType.TIMEOUT, "timed out after 30s", INPUTS, ARTIFACTS);
    Failure second = failure(2, FailureType.TIMEOUT, "timed out after 30s", INPUTS, ARTIFACTS);

    assertThat(rule.check("e", List.of(first), second)).isNull();
    assertThatThrownBy(() -> new RepeatedFailureRule(true, 2, Set.of(FailureType.INFRASTRUCTURE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INFRASTRUCTURE: it repeats by nature");
  }

  @Test
  void shouldWaitForTheConfiguredCountOfIdenticalFailuresInARow() {
    RepeatedFailureRule three = new RepeatedFailureRule(true, 3, RepeatedFailureRule.DETERMINISTIC);
    Failure one = failure(1, "tests failed", INPUTS, ARTIFACTS);
    Failure two = failure(2, "tests failed", INPUTS, ARTIFACTS);
    Failure other = failure(2, "lint failed", INPUTS, ARTIFACTS);
    Failure three3 = failure(3, "tests failed", INPUTS, ARTIFACTS);

    assertThat(three.check("e", List.of(one), two)).isNull();
    assertThat(three.check("e", List.of(one, two), three3).reason()).contains("repeated 3 times");
    assertThat(three.check("e", List.of(one, other), three3)).as("not in a row").isNull();
  }

  @Test
  void shouldStopNothingWhenDisabled() {
    RepeatedFailureRule off = new RepeatedFailureRule(false, 2, RepeatedFailureRule.DETERMINISTIC);
    Failure first = failure(1, "tests failed", INPUTS, ARTIFACTS);

    assertThat(off.check("e", List.of(first), failure(2, "tests failed", INPUTS, ARTIFACTS)))
        .isNull();
  }

  @Test
  void shouldRefuseACountBelowTwo() {
    assertThatThrownBy(() -> new RepeatedFailureRule(true, 1, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("count must be 2-100");
  }

  @Test
  void shouldRefuseADigestLongerThanTheContractAllows() {
    assertThatThrownBy(() -> failure(1, "x", "f".repeat(129), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputsDigest has 129 characters; at most 128");
  }

  private static Failure failure(int attempt, String message, String inputs, String artifacts) {
    return failure(attempt, FailureType.COMMAND_FAILED, message, inputs, artifacts);
  }

  private static Failure failure(
      int attempt, FailureType type, String message, String inputs, String artifacts) {
    return new Failure(
        "att_" + attempt,
        "build",
        attempt,
        type,
        false,
        "exit code 1",
        message,
        1,
        List.of(),
        100,
        null,
        Failures.AT.plusSeconds(attempt),
        null,
        null,
        inputs,
        artifacts);
  }
}
