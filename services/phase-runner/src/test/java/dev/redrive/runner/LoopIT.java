package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.avro.RolledBack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bounded review loops: a failed check sends the work back to an earlier phase, at most N times.
 */
class LoopIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void failedCheckSendsTheWorkBackWithItsOutputAndTheChainFinishesWhenItPasses()
      throws IOException {
    // given a review that approves the second round
    String executionId = runner.start("review-loop", Map.of("approveAfter", "2"));

    // when it runs
    JsonNode view = runner.awaitStatus(executionId, "SUCCEEDED");

    // then develop ran twice, the second time with the review's findings as its context
    assertThat(runner.events(executionId, AttemptStarted.class))
        .extracting(s -> s.getPhase() + "#" + s.getAttemptNumber())
        .containsExactly("develop#1", "review#1", "develop#2", "review#2");
    assertThat(runner.events(executionId, RolledBack.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getToPhase()).isEqualTo("develop");
              assertThat(r.getClearedPhases()).isEmpty();
            });
    // the failed check is reported, marked as handled by the loop (the coordinator does not retry
    // it)
    assertThat(runner.events(executionId, AttemptFailed.class))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getPhase()).isEqualTo("review");
              assertThat(f.getLoop()).isEqualTo(new LoopOutcome("develop", 1, 2, false));
              assertThat(f.getAttributes()).doesNotContainKey("redrive.loop.target");
            });
    Path workspace = runner.workspace(executionId);
    assertThat(Files.readString(workspace.resolve("artifacts/develop/context.json")))
        .contains(
            "needs work: round 1 is not good enough",
            "loop iteration 1 of 2",
            "\"failureType\":\"EXIT_CRITERIA_NOT_MET\"");
    JsonNode review = view.path("phases").get(1);
    assertThat(review.path("loop").path("iterations").asInt()).isEqualTo(1);
    assertThat(review.path("loop").path("maxIterations").asInt()).isEqualTo(2);
  }

  @Test
  void loopStopsAfterItsLastIterationAndReportsTheFailure() throws IOException {
    // given a review that never approves
    String executionId = runner.start("review-loop", Map.of("approveAfter", "99"));

    // when it runs
    AttemptFailed failed = runner.awaitEvents(executionId, AttemptFailed.class, 3).get(2);

    // then the work went back twice, and the third failed review is reported as a failure
    assertThat(failed.getPhase()).isEqualTo("review");
    assertThat(failed.getAttemptNumber()).isEqualTo(3);
    assertThat(failed.getFailedExitCriteria()).containsExactly("approved");
    assertThat(failed.getLoop()).isEqualTo(new LoopOutcome("develop", 2, 2, true));
    assertThat(runner.events(executionId, RolledBack.class)).hasSize(2);
    assertThat(runner.workspace(executionId).resolve("artifacts/develop/rounds")).hasContent("3");
    JsonNode view = runner.awaitStatus(executionId, "HALTED");
    assertThat(view.path("phases").get(1).path("loop").path("iterations").asInt()).isEqualTo(2);
    assertThat(runner.checkpoints().loopIterations(executionId, "review")).isEqualTo(2);
  }
}
