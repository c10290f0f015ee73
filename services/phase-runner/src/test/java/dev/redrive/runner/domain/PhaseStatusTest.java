package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseStatusTest {

  @Test
  void shouldShowWhereAPhaseStands() {
    assertThat(PhaseStatus.of(null, false)).isEqualTo(PhaseStatus.PENDING);
    assertThat(PhaseStatus.of(AttemptStatus.QUEUED, true)).isEqualTo(PhaseStatus.QUEUED);
    assertThat(PhaseStatus.of(AttemptStatus.RUNNING, false)).isEqualTo(PhaseStatus.RUNNING);
    assertThat(PhaseStatus.of(AttemptStatus.CANCELLING, false)).isEqualTo(PhaseStatus.RUNNING);
    assertThat(PhaseStatus.of(AttemptStatus.SUCCEEDED, true)).isEqualTo(PhaseStatus.COMPLETED);
    assertThat(PhaseStatus.of(AttemptStatus.SUCCEEDED, false)).isEqualTo(PhaseStatus.PENDING);
    assertThat(PhaseStatus.of(AttemptStatus.FAILED, false)).isEqualTo(PhaseStatus.FAILED);
    assertThat(PhaseStatus.of(AttemptStatus.LOOPED, false)).isEqualTo(PhaseStatus.PENDING);
    assertThat(PhaseStatus.of(AttemptStatus.CANCELLED, false)).isEqualTo(PhaseStatus.CANCELLED);
  }

  @Test
  void shouldResumeAtTheFirstPhaseThatIsNotComplete() {
    List<String> phases = List.of("a", "b", "c");

    assertThat(
            PhaseStatus.resumePoint(
                phases,
                Map.of(
                    "a", PhaseStatus.COMPLETED,
                    "b", PhaseStatus.FAILED,
                    "c", PhaseStatus.PENDING)))
        .contains("b");
    assertThat(
            PhaseStatus.resumePoint(
                phases,
                Map.of(
                    "a", PhaseStatus.COMPLETED,
                    "b", PhaseStatus.COMPLETED,
                    "c", PhaseStatus.COMPLETED)))
        .isEmpty();
  }
}
