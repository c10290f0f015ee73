package dev.redrive.runner.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.runner.domain.CommandSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunTest {

  @TempDir Path workspace;

  private static CommandSpec sh(String script, Map<String, String> env, Duration timeout) {
    return new CommandSpec(List.of("sh", "-c", script), env, ".", timeout);
  }

  @Test
  void shouldReportTheExitCodeAndBothOutputStreamsInOrder() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            sh("echo out; echo err >&2; exit 4", Map.of(), Duration.ofSeconds(10)),
            workspace,
            Map.of(),
            1024);

    // then
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.timedOut()).isFalse();
    assertThat(result.startError()).isNull();
    assertThat(result.output()).isEqualTo("out\nerr\n");
  }

  @Test
  void shouldLetTheCommandsOwnEnvironmentWinOverTheGivenOne() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            sh("echo \"$A-$B\"", Map.of("B", "command"), Duration.ofSeconds(10)),
            workspace,
            Map.of("A", "given", "B", "given"),
            1024);

    // then
    assertThat(result.output()).isEqualTo("given-command\n");
  }

  @Test
  void shouldCloseStandardInputSoACommandReadingItDoesNotWait() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            sh("cat; echo read-all", Map.of(), Duration.ofSeconds(10)), workspace, Map.of(), 1024);

    // then
    assertThat(result.timedOut()).isFalse();
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).isEqualTo("read-all\n");
  }

  @Test
  void shouldReportATimeoutWithoutAnExitCodeButWithTheOutputSoFar() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            sh("echo started; sleep 30", Map.of(), Duration.ofMillis(300)),
            workspace,
            Map.of(),
            1024);

    // then
    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isNull();
    assertThat(result.startError()).isNull();
    assertThat(result.output()).isEqualTo("started\n");
    assertThat(result.durationMs()).isBetween(300L, 10_000L);
  }

  @Test
  void shouldReportAStartErrorForAProgramThatDoesNotExist() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            new CommandSpec(
                List.of("redrive-no-such-program-4711"), Map.of(), ".", Duration.ofSeconds(5)),
            workspace,
            Map.of(),
            1024);

    // then
    assertThat(result.startError()).isNotBlank();
    assertThat(result.exitCode()).isNull();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.output()).isEmpty();
  }

  @Test
  void shouldNotWaitForABackgroundChildThatOutlivesTheCommandAndShouldKillIt() throws Exception {
    // given a command that leaves a child holding its output pipe
    String script = "sleep 60 & echo $! > child.pid; echo done";

    // when
    ProcessRun.Result result =
        ProcessRun.run(sh(script, Map.of(), Duration.ofSeconds(30)), workspace, Map.of(), 1024);

    // then the command's own result is reported, without waiting for the child
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).isEqualTo("done\n");
    assertThat(result.durationMs()).isLessThan(30_000);
    long child =
        Long.parseLong(java.nio.file.Files.readString(workspace.resolve("child.pid")).strip());
    await().atMost(Duration.ofSeconds(5)).until(() -> !PhaseExecutorTest.running(child));
  }

  @Test
  void shouldKillAChildThatEscapedTheProcessTreeWhenTheCommandTimesOut() throws Exception {
    // given a grandchild re-parented away from the command (a subshell that exits at once)
    String script = "(sleep 60 & echo $! > escaped.pid); sleep 60";

    // when
    ProcessRun.Result result =
        ProcessRun.run(sh(script, Map.of(), Duration.ofMillis(500)), workspace, Map.of(), 1024);

    // then
    assertThat(result.timedOut()).isTrue();
    assertThat(result.durationMs()).isLessThan(30_000);
    long escaped =
        Long.parseLong(java.nio.file.Files.readString(workspace.resolve("escaped.pid")).strip());
    await().atMost(Duration.ofSeconds(5)).until(() -> !PhaseExecutorTest.running(escaped));
  }

  @Test
  void shouldReportAProgramThatDoesNotExistAsAStartError() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            new CommandSpec(List.of("no-such-program-here"), Map.of(), ".", Duration.ofSeconds(5)),
            workspace,
            Map.of(),
            1024);

    // then
    assertThat(result.startError()).contains("no-such-program-here");
    assertThat(result.exitCode()).isNull();
  }

  @Test
  void shouldGiveTheCommandOnlyTheEnvironmentItIsGiven() {
    // when
    ProcessRun.Result result =
        ProcessRun.run(
            sh("env", Map.of("OWN", "1"), Duration.ofSeconds(10)),
            workspace,
            Map.of("GIVEN", "2"),
            64 * 1024);

    // then nothing of the runner's own environment reaches the command
    List<String> names =
        result.output().lines().map(line -> line.substring(0, line.indexOf('='))).toList();
    assertThat(names).contains("OWN", "GIVEN");
    assertThat(names)
        .doesNotContainAnyElementsOf(
            System.getenv().keySet().stream()
                .filter(name -> !List.of("PWD", "SHLVL", "_", "OLDPWD").contains(name))
                .toList());
  }
}
