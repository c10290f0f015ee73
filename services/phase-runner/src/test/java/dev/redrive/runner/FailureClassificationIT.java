package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.ExecutionHalted;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Retryability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Each way a phase can fail, classified and reported by the running service: the AttemptFailed
 * event, the archive of the attempt, the error report, the quarantine, and the halted chain.
 */
class FailureClassificationIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  private AttemptFailed failureOf(String pipeline, Map<String, String> parameters) {
    return failureOf(runner.start(pipeline, parameters));
  }

  private AttemptFailed failureOf(String executionId) {
    return runner.awaitEvents(executionId, AttemptFailed.class, 1).get(0);
  }

  @Test
  void commandThatExitsNonZeroIsCommandFailedWithItsArchiveAndErrorReport() throws IOException {
    String executionId = runner.start("misbehave", Map.of("mode", "fail"));

    AttemptFailed failed = failureOf(executionId);

    assertThat(failed.getFailureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
    assertThat(failed.getExitCode()).isEqualTo(4);
    assertThat(failed.getErrorMessage()).isEqualTo("boom: the real cause");
    assertThat(failed.getLogExcerpt()).contains("compiling", "boom: the real cause");
    assertThat(failed.getArtifactsLocation()).isEqualTo("artifacts/_failed/work/attempt-1/");
    assertThat(failed.getErrorReport())
        .contains(
            "ERROR REPORT",
            "Stage: work",
            "Attempt: 1/3",
            "Error Type: COMMAND_FAILED (exit code 4)",
            "Error Message: boom: the real cause",
            "Failed Artifacts Moved To:\n  artifacts/_failed/work/attempt-1/",
            "Recommended Action:");
    Path workspace = runner.workspace(executionId);
    assertThat(workspace.resolve("error.log")).hasContent(failed.getErrorReport().strip());
    assertThat(workspace.resolve("artifacts/_failed/work/attempt-1/error.log")).exists();
    JsonNode state = RunnerHarness.json(Files.readString(workspace.resolve(".redrive/state.json")));
    assertThat(state.path("execution").path("status").asString()).isEqualTo("HALTED");
    assertThat(state.path("phases").get(0).path("status").asString()).isEqualTo("FAILED");
    assertThat(state.path("lastError").asString())
        .isEqualTo("COMMAND_FAILED: boom: the real cause");
  }

  @Test
  void phaseThatRunsPastItsTimeoutIsKilledAndReportedAsTimeout() {
    AttemptFailed failed = failureOf("misbehave", Map.of("mode", "slow"));

    assertThat(failed.getFailureType()).isEqualTo(FailureType.TIMEOUT);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
    assertThat(failed.getErrorMessage())
        .isEqualTo("phase work ran longer than PT2S and was killed");
    assertThat(failed.getLogExcerpt()).contains("started");
  }

  @Test
  void phaseThatProducesNothingMatchingItsGlobIsMissingOutput() {
    AttemptFailed failed = failureOf("misbehave", Map.of("mode", "no-output"));

    assertThat(failed.getFailureType()).isEqualTo(FailureType.MISSING_OUTPUT);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
    assertThat(failed.getErrorMessage())
        .isEqualTo("phase work did not produce: artifacts/work/*.txt (at least 2 bytes)");
  }

  @Test
  void outputBelowItsMinimumSizeIsMissingOutput() {
    AttemptFailed failed = failureOf("misbehave", Map.of("mode", "small"));

    assertThat(failed.getFailureType()).isEqualTo(FailureType.MISSING_OUTPUT);
    assertThat(failed.getErrorMessage()).contains("artifacts/work/*.txt");
  }

  @Test
  void failedCheckIsExitCriteriaNotMetWithTheChecksOutput() {
    AttemptFailed failed = failureOf("misbehave", Map.of("mode", "bad-check"));

    assertThat(failed.getFailureType()).isEqualTo(FailureType.EXIT_CRITERIA_NOT_MET);
    assertThat(failed.getFailedExitCriteria()).containsExactly("verdict-good");
    assertThat(failed.getChecks())
        .singleElement()
        .satisfies(
            check -> {
              assertThat(check.getPassed()).isFalse();
              assertThat(check.getOutputExcerpt()).contains("bad");
            });
    assertThat(failed.getErrorReport()).contains("- [ ] verdict-good (FAILED)");
  }

  @Test
  void writesOutsideTheAllowedPathsAreQuarantinedAndTheChangedInputIsRestored() throws IOException {
    String executionId =
        runner.start("misbehave", Map.of("mode", "sneaky"), Map.of("data.txt", "original"));

    AttemptFailed failed = failureOf(executionId);

    assertThat(failed.getFailureType()).isEqualTo(FailureType.UNAUTHORIZED_WRITE);
    assertThat(failed.getErrorMessage())
        .contains("created stray.txt", "changed input/data.txt", "artifacts/_untrusted/work/");
    assertThat(failed.getAttributes())
        .containsEntry("redrive.untrusted.location", "artifacts/_untrusted/work/attempt-1/")
        .containsEntry("redrive.untrusted.files", "input/data.txt,stray.txt");
    Path workspace = runner.workspace(executionId);
    assertThat(workspace.resolve("stray.txt")).doesNotExist();
    assertThat(workspace.resolve("artifacts/_untrusted/work/attempt-1/stray.txt"))
        .hasContent("evil");
    assertThat(workspace.resolve("artifacts/_untrusted/work/attempt-1/input/data.txt"))
        .hasContent("tampered");
    assertThat(workspace.resolve("input/data.txt")).hasContent("original");
    assertThat(workspace.resolve("artifacts/work/out.txt")).hasContent("fine");
    assertThat(
            runner
                .context()
                .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .counter(
                    "redrive.runner.untrusted.writes", "pipeline", "misbehave", "phase", "work")
                .count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void programThatCannotStartIsInfrastructure() {
    AttemptFailed failed = failureOf("no-program", Map.of());

    assertThat(failed.getFailureType()).isEqualTo(FailureType.INFRASTRUCTURE);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
    assertThat(failed.getErrorMessage()).startsWith("could not start redrive-no-such-program-4711");
  }

  @Test
  void missingOutputOfAnEarlierPhaseHaltsTheChain() {
    // given an execution whose first phase failed without its output
    String executionId = runner.start("halting", Map.of());
    failureOf(executionId);

    // when the next phase is asked to run anyway
    runner.send(
        RunnerHarness.retryCommand(
            executionId, "consume", 1, 2, UUID.randomUUID().toString(), "run it"));

    // then it does not run: the chain halts, naming the earlier phase and the output
    AttemptFailed halted =
        runner.awaitEvent(executionId, AttemptFailed.class, f -> f.getPhase().equals("consume"));
    assertThat(halted.getFailureType()).isEqualTo(FailureType.MISSING_OUTPUT);
    assertThat(halted.getRetryable()).isEqualTo(Retryability.HARD);
    assertThat(halted.getErrorMessage())
        .isEqualTo("expected output from produce not found: artifacts/produce/out.txt");
    assertThat(halted.getAttributes())
        .containsEntry("redrive.missing-output.phase", "produce")
        .containsEntry("redrive.missing-output.path", "artifacts/produce/out.txt");
    ExecutionHalted event = runner.awaitEvent(executionId, ExecutionHalted.class, e -> true);
    assertThat(event.getPhase()).isEqualTo("consume");
    assertThat(event.getReason())
        .isEqualTo(
            "CHAIN HALTED at consume: expected output from produce not found:"
                + " artifacts/produce/out.txt");
  }
}
