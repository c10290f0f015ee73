package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When retries of a failure almost never succeed, its history suggests making it non-retryable. */
class FingerprintSuggestionTest {

  @Test
  void shouldSuggestMarkingTheTypeNonRetryableForThePhaseWhenRetriesNeverSucceed() {
    FingerprintSuggestion suggestion =
        FingerprintSuggestion.of(
            FailureType.COMMAND_FAILED, "demo", "build", "runner", 14, 0, Set.of(), 10, 0.1);

    assertThat(suggestion.text())
        .isEqualTo(
            "retries of this failure succeeded 0 of 14 times: mark COMMAND_FAILED non-retryable"
                + " for phase build of pipeline demo");
    assertThat(suggestion.policyChange())
        .isEqualTo(
            Map.of(
                "pipelines",
                Map.of(
                    "demo",
                    Map.of(
                        "phases",
                        Map.of("build", Map.of("nonRetryable", List.of("COMMAND_FAILED")))))));
  }

  @Test
  void shouldKeepTheTypesThatAreNonRetryableThereAlready() {
    FingerprintSuggestion suggestion =
        FingerprintSuggestion.of(
            FailureType.OTHER,
            null,
            "charge",
            "billing",
            20,
            1,
            Set.of(FailureType.MISSING_OUTPUT),
            10,
            0.1);

    assertThat(suggestion.text()).endsWith("mark OTHER non-retryable for source billing");
    assertThat(suggestion.policyChange())
        .isEqualTo(
            Map.of(
                "sources",
                Map.of("billing", Map.of("nonRetryable", List.of("MISSING_OUTPUT", "OTHER")))));
  }

  @Test
  void shouldSuggestNothingWithTooFewRetriesOrEnoughSuccesses() {
    assertThat(suggest(9, 0)).as("too few to tell").isNull();
    assertThat(suggest(20, 2)).as("10% succeed").isNull();
    assertThat(suggest(20, 1)).isNotNull();
    assertThat(
            FingerprintSuggestion.of(
                FailureType.COMMAND_FAILED,
                "demo",
                "build",
                "runner",
                30,
                0,
                Set.of(FailureType.COMMAND_FAILED),
                10,
                0.1))
        .as("non-retryable already")
        .isNull();
  }

  private static FingerprintSuggestion suggest(long retries, long succeeded) {
    return FingerprintSuggestion.of(
        FailureType.COMMAND_FAILED,
        "demo",
        "build",
        "runner",
        retries,
        succeeded,
        Set.of(),
        10,
        0.1);
  }
}
