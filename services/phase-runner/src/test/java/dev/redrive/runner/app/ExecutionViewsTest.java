package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptOrigin;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Checkpoint;
import dev.redrive.runner.domain.PhaseStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionViewsTest {

  private static Attempt attempt(String id, String status) {
    return new Attempt(
        id,
        "exec_1",
        "build",
        1,
        2,
        null,
        null,
        null,
        AttemptStatus.valueOf(status),
        AttemptOrigin.CHAIN,
        null,
        false,
        null,
        null,
        Instant.now(),
        null,
        null);
  }

  private static Checkpoint checkpointOf(String attemptId) {
    return new Checkpoint("cp_1", "build", attemptId, Instant.now(), Map.of());
  }

  @Test
  void shouldCallAPhaseCompleteOnlyWhenItsLatestAttemptMadeItsCheckpoint() {
    assertThat(ExecutionViews.status(attempt("att_1", "SUCCEEDED"), checkpointOf("att_1")))
        .isEqualTo(PhaseStatus.COMPLETED);
    assertThat(ExecutionViews.status(attempt("att_2", "FAILED"), checkpointOf("att_1")))
        .isEqualTo(PhaseStatus.FAILED);
    assertThat(ExecutionViews.status(attempt("att_2", "QUEUED"), checkpointOf("att_1")))
        .isEqualTo(PhaseStatus.QUEUED);
    assertThat(ExecutionViews.status(null, null)).isEqualTo(PhaseStatus.PENDING);
  }
}
