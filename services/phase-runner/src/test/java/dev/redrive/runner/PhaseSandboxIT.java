package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.FailureType;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Phases run in the bubblewrap sandbox (the default {@code redrive.runner.sandbox=auto} on a
 * machine that has it): a phase that tries to get out sees nothing of the runner or of other
 * executions, cannot write outside its workspace, and leaves no process behind.
 */
class PhaseSandboxIT {

  /** Set in the runner JVM's environment by the module's Failsafe configuration. */
  private static final String RUNNER_SECRET = "REDRIVE_IT_RUNNER_SECRET";

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void shouldRunPhasesInTheSandboxAndSaySoInTheGauge() {
    MeterRegistry meters = runner.context().getBean(MeterRegistry.class);

    assertThat(meters.get("redrive.runner.sandbox").tag("mode", "bubblewrap").gauge().value())
        .isEqualTo(1.0);
  }

  @Test
  void shouldShowAPhaseNeitherTheRunnersSecretsNorAnotherWorkspaceNorLetItWriteOutside()
      throws IOException {
    // given a secret in the runner's environment and another execution with a secret parameter
    String secret = System.getenv(RUNNER_SECRET);
    assertThat(secret).as("the runner JVM's marker variable").isNotBlank();
    String otherSecret = "other-secret-" + UUID.randomUUID();
    String other = runner.start("sleepy", Map.of("secret", otherSecret));
    Path otherWorkspace = runner.workspace(other);
    await().until(() -> Files.exists(otherWorkspace.resolve("input/parameters.properties")));
    assertThat(Files.readString(otherWorkspace.resolve("input/parameters.properties")))
        .contains(otherSecret);

    // when a phase looks for them and writes ../escaped.txt
    String executionId =
        runner.start(
            "escape", Map.of("mode", "peek", "other", otherWorkspace.toString(), "tag", "peek"));

    // then it succeeded but saw nothing of them, and nothing was written outside
    runner.awaitEvent(executionId, AttemptSucceeded.class, e -> true);
    Path workspace = runner.workspace(executionId);
    String seen = Files.readString(workspace.resolve("artifacts/escape/seen.txt"));
    assertThat(seen)
        .contains("== /proc/1/environ", "== workspaces root", "== write outside")
        .contains("REDRIVE_EXECUTION_ID=" + executionId)
        .doesNotContain(secret, RUNNER_SECRET, otherSecret)
        .contains("No such file or directory")
        .doesNotContain("surefire", "failsafe", "spring.datasource")
        .contains("cannot create ../escaped.txt: Read-only file system")
        .contains("HOME=/tmp TMPDIR=/tmp", "home writable");
    // (the script itself is in /proc/1/cmdline, so look at whole lines)
    assertThat(seen.lines()).doesNotContain("wrote ../escaped.txt");
    assertThat(seen.lines().dropWhile(l -> !l.equals("== workspaces root")).skip(1).limit(3))
        .containsExactly(".", "..", executionId);
    assertThat(workspace.resolveSibling("escaped.txt")).doesNotExist();
    assertThat(workspace.resolve("escaped.txt")).doesNotExist();
    cancel(other);
  }

  @Test
  void shouldLeaveNoProcessOfAPhaseRunningAfterItIsCancelled() {
    // given a phase that left processes behind: setsid, a double fork and nohup
    String tag = "escape-tag-" + UUID.randomUUID();
    String executionId = runner.start("escape", Map.of("mode", "fork", "other", "", "tag", tag));
    await().atMost(Duration.ofSeconds(30)).until(() -> HostProcesses.containing(tag).size() >= 3);

    // when it is cancelled
    cancel(executionId);

    // then nothing of it runs any more
    runner.awaitEvent(executionId, ExecutionCancelled.class, e -> true);
    await().atMost(Duration.ofSeconds(10)).until(() -> HostProcesses.containing(tag).isEmpty());
    assertThat(HostProcesses.ofExecution(executionId)).isEmpty();
  }

  @Test
  void shouldLeaveNoProcessOfAPhaseRunningAfterItTimesOut() {
    // given a phase that left processes behind and then runs past its timeout (5 s)
    String tag = "escape-tag-" + UUID.randomUUID();
    String executionId = runner.start("escape-timeout", Map.of("tag", tag));
    await().atMost(Duration.ofSeconds(5)).until(() -> HostProcesses.containing(tag).size() >= 3);

    // when it times out
    AttemptFailed failed = runner.awaitEvents(executionId, AttemptFailed.class, 1).get(0);

    // then it is a timeout and nothing of it runs any more
    assertThat(failed.getFailureType()).isEqualTo(FailureType.TIMEOUT);
    await().atMost(Duration.ofSeconds(10)).until(() -> HostProcesses.containing(tag).isEmpty());
    assertThat(HostProcesses.ofExecution(executionId)).isEmpty();
  }

  @Test
  void shouldRefuseToStartWhenTheSandboxIsRequiredButDoesNotWork() {
    assertThatThrownBy(
            () ->
                RunnerHarness.start(
                        "runner_sandbox_required",
                        "it-sandbox-required",
                        1,
                        Map.of(
                            "redrive.runner.sandbox",
                            "required",
                            "redrive.runner.sandbox-program",
                            "/nonexistent/bwrap"))
                    .close())
        .rootCause()
        .hasMessageContaining("redrive.runner.sandbox=required")
        .hasMessageContaining("/nonexistent/bwrap");
  }

  @Test
  void shouldStartUnconfinedAndSaySoWhenTheSandboxIsAutoButDoesNotWork() {
    try (RunnerHarness unconfined =
        RunnerHarness.start(
            "runner_sandbox_auto",
            "it-sandbox-auto",
            1,
            Map.of("redrive.runner.sandbox-program", "/nonexistent/bwrap"))) {
      MeterRegistry meters = unconfined.context().getBean(MeterRegistry.class);

      assertThat(
              meters
                  .get("redrive.runner.sandbox")
                  .tag("mode", "none")
                  .tag("setting", "auto")
                  .gauge()
                  .value())
          .isZero();
    }
  }

  private void cancel(String executionId) {
    runner.send(
        RunnerHarness.command(
            executionId,
            Cancel.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setReason("sandbox test done")
                .build()));
  }
}
