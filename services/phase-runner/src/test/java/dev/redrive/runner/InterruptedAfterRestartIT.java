package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Retryability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A runner that stops in the middle of a phase reports it as INTERRUPTED when it starts again. */
class InterruptedAfterRestartIT {

  @Test
  void phaseRunningWhenTheRunnerStoppedIsReportedInterruptedAfterTheRestart() throws Exception {
    // given a runner in the middle of a long phase
    RunnerHarness first =
        RunnerHarness.start(
            "runner_restart", "restart-it", 1, Map.of("redrive.runner.shutdown-grace", "200ms"));
    String executionId = first.start("sleepy", Map.of());
    Path pid = first.workspace(executionId).resolve("artifacts/wait/pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pid));
    String jdbcUrl = first.jdbcUrl();
    Path workspaces = first.workspaces();

    // when it stops (the phase is cut short) and starts again on the same database
    first.close();
    assertThat(first.events(executionId, AttemptFailed.class)).isEmpty();
    try (RunnerHarness second =
        RunnerHarness.start(jdbcUrl, workspaces, "restart-it", 1, Map.of())) {

      // then the cut-short attempt is reported as an INTERRUPTED soft failure, once
      AttemptFailed failed = second.awaitEvents(executionId, AttemptFailed.class, 1).get(0);
      assertThat(failed.getFailureType()).isEqualTo(FailureType.INTERRUPTED);
      assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
      assertThat(failed.getPhase()).isEqualTo("wait");
      assertThat(failed.getErrorMessage())
          .contains("the runner stopped while phase wait was running");
      assertThat(second.events(executionId, AttemptStarted.class)).hasSize(1);
      second.awaitStatus(executionId, "HALTED");
    }
  }
}
