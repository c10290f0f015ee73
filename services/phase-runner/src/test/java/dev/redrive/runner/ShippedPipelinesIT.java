package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.CheckpointCreated;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.RolledBack;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example pipelines shipped with the runner run as their comments say. */
class ShippedPipelinesIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void reviewPipelineRecoversFromItsFailedCheckThroughItsLoopAndPublishes() {
    String executionId = runner.start("review", Map.of());

    runner.awaitStatus(executionId, "SUCCEEDED");
    // the state is stored first; its events reach Kafka through the outbox after
    runner.awaitEvents(executionId, ExecutionSucceeded.class, 1);

    assertThat(runner.events(executionId, AttemptStarted.class))
        .extracting(s -> s.getPhase() + "#" + s.getAttemptNumber())
        .containsExactly("outline#1", "write#1", "review#1", "write#2", "review#2", "publish#1");
    assertThat(runner.events(executionId, RolledBack.class)).hasSize(1);
    assertThat(runner.events(executionId, AttemptFailed.class))
        .singleElement()
        .satisfies(
            failed -> {
              assertThat(failed.getFailedExitCriteria()).containsExactly("has-summary");
              assertThat(failed.getLoop().getTarget()).isEqualTo("write");
              assertThat(failed.getLoop().getExhausted()).isFalse();
            });
    assertThat(runner.events(executionId, CheckpointCreated.class))
        .extracting(CheckpointCreated::getPhase)
        .containsExactly("outline", "write", "write", "review", "publish");
    assertThat(runner.workspace(executionId).resolve("artifacts/publish/RELEASE-NOTES.md"))
        .content()
        .contains("Summary: a failed phase is retried with what went wrong.");
  }
}
