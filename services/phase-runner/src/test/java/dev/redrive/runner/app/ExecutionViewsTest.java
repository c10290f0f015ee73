package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.PhaseStatus;
import dev.redrive.runner.persistence.RunnerStore.AttemptRow;
import dev.redrive.runner.persistence.RunnerStore.CheckpointRow;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionViewsTest {

  private static AttemptRow attempt(String id, String status) {
    AttemptRow queued =
        AttemptRow.queued(id, "exec_1", "build", 1, 2, null, null, null, "CHAIN", null);
    return new AttemptRow(
        queued.attemptId(),
        queued.executionId(),
        queued.phase(),
        queued.attemptNumber(),
        queued.maxAttempts(),
        null,
        null,
        null,
        status,
        "CHAIN",
        null,
        false,
        null,
        null,
        Instant.now(),
        null,
        null);
  }

  private static CheckpointRow checkpointOf(String attemptId) {
    return new CheckpointRow("cp_1", "build", attemptId, Instant.now(), Map.of());
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
