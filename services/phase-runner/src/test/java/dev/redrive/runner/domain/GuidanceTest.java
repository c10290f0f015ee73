package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuidanceTest {

  @Test
  void shouldTellTheEarlierPhaseWhatTheLaterPhasesCheckFound() {
    String text =
        Guidance.loop(
            "review",
            "develop",
            new LoopDecision.GoBack(
                "develop", 1, 3, new CheckResult("approved", false, "  missing tests\n")));

    assertThat(text)
        .isEqualTo(
            "Phase 'review' sent the work back to phase 'develop' (loop iteration 1 of 3): its"
                + " check 'approved' failed with:\nmissing tests\nKeep what is already right in"
                + " the artifacts and change what the check reports; then the phases up to"
                + " 'review' run again.");
  }

  @Test
  void shouldKeepOnlyTheEndOfALongCheckOutput() {
    String text =
        Guidance.loop(
            "review",
            "develop",
            new LoopDecision.GoBack(
                "develop", 1, 1, new CheckResult("approved", false, "x".repeat(5000) + "END")));

    assertThat(text).contains("...xxx").contains("END").hasSizeLessThan(2300);
  }

  @Test
  void shouldNameWhoRolledBackAndCarryTheirNote() {
    assertThat(Guidance.rollback("build", "alice", "use the new key"))
        .startsWith("Phase 'build' runs again after a rollback requested by alice")
        .endsWith("Note: use the new key");
    assertThat(Guidance.rollback("build", null, null))
        .contains("requested by a person")
        .doesNotContain("Note:");
  }
}
