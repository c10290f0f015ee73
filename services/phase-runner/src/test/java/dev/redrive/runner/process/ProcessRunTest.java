package dev.redrive.runner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.domain.CommandSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    await().atMost(Duration.ofSeconds(5)).until(() -> !LiveProcesses.running(child));
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
    await().atMost(Duration.ofSeconds(5)).until(() -> !LiveProcesses.running(escaped));
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

  private static final Sandbox SANDBOX = Sandbox.probe("bwrap").sandbox();

  private static ProcessRun.Result sandboxed(CommandSpec command, Path workspace) {
    return ProcessRun.run(
        command,
        workspace,
        Map.of("PATH", System.getenv("PATH")),
        64 * 1024,
        new PhaseControl(),
        SANDBOX);
  }

  @Test
  void shouldNotLetASandboxedCommandWriteOutsideItsWorkspace() throws Exception {
    // given a workspace under a workspaces root that holds another workspace
    Path root = workspace.resolve("workspaces");
    Path mine = Files.createDirectories(root.resolve("mine"));
    Path other = Files.createDirectories(root.resolve("other"));
    Files.writeString(other.resolve("secret.txt"), "other-secret");
    String script =
        "echo inside > inside.txt; echo escaped > ../escaped.txt;"
            + " cat ../other/secret.txt; ls -a ..; echo x > /escaped-root.txt; true";

    // when
    ProcessRun.Result result = sandboxed(sh(script, Map.of(), Duration.ofSeconds(30)), mine);

    // then only the workspace was written and nothing of the other one was seen
    assertThat(result.exitCode()).isZero();
    assertThat(mine.resolve("inside.txt")).hasContent("inside");
    assertThat(root.resolve("escaped.txt")).doesNotExist();
    assertThat(Path.of("/escaped-root.txt")).doesNotExist();
    assertThat(result.output())
        .doesNotContain("other-secret")
        .contains("Read-only file system", "No such file or directory");
    assertThat(result.output().lines().filter(l -> l.equals("other"))).isEmpty();
  }

  @Test
  void shouldShowASandboxedCommandNoneOfTheRunnersProcesses() {
    // when
    ProcessRun.Result result =
        sandboxed(
            sh(
                "tr '\\0' ' ' < /proc/1/cmdline; echo; ls /proc | grep -c '^[0-9]'; env",
                Map.of(),
                Duration.ofSeconds(30)),
            workspace);

    // then pid 1 is the sandbox's, only a few processes exist, and the environment is the given one
    assertThat(result.exitCode()).isZero();
    List<String> lines = result.output().lines().toList();
    assertThat(lines.get(0)).startsWith(SANDBOX.wrap(List.of(), workspace, workspace).get(0));
    assertThat(Integer.parseInt(lines.get(1))).isLessThan(10);
    assertThat(lines.subList(2, lines.size()).stream().map(l -> l.substring(0, l.indexOf('='))))
        .doesNotContainAnyElementsOf(
            System.getenv().keySet().stream()
                .filter(
                    n ->
                        !List.of("PATH", "PWD", "SHLVL", "_", "OLDPWD", "HOME", "TMPDIR")
                            .contains(n))
                .toList());
  }

  @Test
  void shouldKillEverySandboxedProcessIncludingSetsidOnesWhenTheCommandTimesOut() {
    // given a command that leaves processes behind in sessions and trees of their own
    String tag = "process-run-tag-" + UUID.randomUUID();
    String script =
        ("setsid sh -c 'sleep 1000; : %1$s' >/dev/null 2>&1 &"
                + " ( (sh -c 'sleep 1000; : %1$s' >/dev/null 2>&1 &) & );"
                + " nohup sh -c 'sleep 1000; : %1$s' >/dev/null 2>&1 & sleep 1000")
            .formatted(tag);

    // when
    ProcessRun.Result result = sandboxed(sh(script, Map.of(), Duration.ofSeconds(2)), workspace);

    // then
    assertThat(result.timedOut()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(tag) == 0);
  }

  @Test
  void shouldKillSandboxedBackgroundProcessesWhenTheCommandEnds() {
    // given a command that exits at once, leaving a setsid child
    String tag = "process-run-tag-" + UUID.randomUUID();
    String script = "setsid sh -c 'sleep 1000; : %s' >/dev/null 2>&1 & echo done".formatted(tag);

    // when
    ProcessRun.Result result = sandboxed(sh(script, Map.of(), Duration.ofSeconds(30)), workspace);

    // then
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).isEqualTo("done\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(tag) == 0);
  }

  /** Live processes of this machine whose command line contains the text. */
  static long processesWith(String text) {
    return ProcessHandle.allProcesses()
        .filter(
            p -> p.info().arguments().map(a -> String.join(" ", a).contains(text)).orElse(false))
        .filter(ProcessHandle::isAlive)
        .count();
  }
}
