package dev.redrive.runner.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckResult;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.process.LiveProcesses;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes ({@code sh -c ...}) in a temporary workspace. */
class PhaseExecutorTest {

  private static final String EXECUTION = "exec_test";

  @TempDir Path workspaces;

  private Workspace workspace;
  private final PhaseExecutor executor =
      new PhaseExecutor(64 * 1024, Map.of("PATH", System.getenv("PATH")), Sandbox.none(), 1 << 20);

  @BeforeEach
  void createWorkspace() {
    workspace = Workspace.create(workspaces, EXECUTION);
  }

  private static CommandSpec sh(String script) {
    return sh(script, Duration.ofSeconds(30));
  }

  private static CommandSpec sh(String script, Duration timeout) {
    return new CommandSpec(List.of("sh", "-c", script), Map.of(), ".", timeout);
  }

  private static Phase phase(
      String name, CommandSpec command, List<String> outputs, CheckSpec... checks) {
    return new Phase(name, command, outputs, List.of(checks));
  }

  private AttemptOutcome run(Phase phase) {
    return run(executor, phase);
  }

  private AttemptOutcome run(PhaseExecutor executor, Phase phase) {
    return executor.run(
        EXECUTION,
        new Pipeline("test", "test.yaml", List.of(phase)),
        phase,
        workspace,
        1,
        2,
        Map.of());
  }

  private Path file(String relative) {
    return workspace.resolve(relative);
  }

  @Nested
  class Success {

    @Test
    void shouldSucceedWhenTheCommandExitsZeroProducesItsOutputsAndPassesItsChecks() {
      // given
      Phase build =
          phase(
              "build",
              sh("echo hello > artifacts/build/out.txt && echo built"),
              List.of("artifacts/build/out.txt"),
              new CheckSpec(
                  "has-hello",
                  new CommandSpec(
                      List.of("grep", "-q", "hello", "artifacts/build/out.txt"),
                      Map.of(),
                      ".",
                      Duration.ofSeconds(10))));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.failureType()).isNull();
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.exitCode()).isZero();
      assertThat(outcome.checks()).containsExactly(new CheckResult("has-hello", true, ""));
      assertThat(outcome.logExcerpt()).isEqualTo("built\n");
      assertThat(outcome.durationMs()).isNotNegative();
      assertThat(file("artifacts/build/out.txt")).hasContent("hello");
    }

    @Test
    void shouldCreateThePhasesArtifactsFolderBeforeTheCommandRuns() {
      // given
      Phase build = phase("build", sh("test -d artifacts/build"), List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.succeeded()).isTrue();
    }

    @Test
    void shouldRunTheCommandInItsWorkingDirectory() throws IOException {
      // given
      Files.createDirectories(file("src/main"));
      Phase build =
          phase(
              "build",
              new CommandSpec(List.of("pwd"), Map.of(), "src/main", Duration.ofSeconds(10)),
              List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.succeeded()).isTrue();
      assertThat(Path.of(outcome.logExcerpt().strip()).toRealPath())
          .isEqualTo(file("src/main").toRealPath());
    }

    @Test
    void shouldRunWhenTheEarlierPhasesOutputsArePresent() throws IOException {
      // given
      Phase prepare = phase("prepare", sh("true"), List.of("artifacts/prepare/data.txt"));
      Phase build = phase("build", sh("cat artifacts/prepare/data.txt"), List.of());
      Files.createDirectories(file("artifacts/prepare"));
      Files.writeString(file("artifacts/prepare/data.txt"), "source data");

      // when
      AttemptOutcome outcome =
          executor.run(
              EXECUTION,
              new Pipeline("test", "test.yaml", List.of(prepare, build)),
              build,
              workspace,
              1,
              2,
              Map.of());

      // then
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.logExcerpt()).isEqualTo("source data");
    }
  }

  @Nested
  class CommandFailures {

    @Test
    void shouldReportANonZeroExitAsCommandFailedWithTheLastOutputLineAsMessage() {
      // given
      Phase build =
          phase(
              "build",
              sh("echo compiling; echo 'error: cannot find module data' >&2; exit 3"),
              List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.exitCode()).isEqualTo(3);
      assertThat(outcome.errorType()).isEqualTo("exit code 3");
      assertThat(outcome.message()).isEqualTo("error: cannot find module data");
      assertThat(outcome.logExcerpt()).isEqualTo("compiling\nerror: cannot find module data\n");
      assertThat(outcome.checks()).isEmpty();
    }

    @Test
    void shouldSkipBlankTrailingLinesWhenPickingTheMessage() {
      // given
      Phase build =
          phase("build", sh("echo '  the real cause  '; echo; echo '   '; exit 1"), List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.message()).isEqualTo("the real cause");
    }

    @Test
    void shouldNameTheExitCodeWhenTheCommandPrintedNothing() {
      // given
      Phase build = phase("build", sh("exit 7"), List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(outcome.exitCode()).isEqualTo(7);
      assertThat(outcome.message()).isEqualTo("command exited with code 7");
    }

    @Test
    void shouldNotRunTheChecksWhenTheCommandFailed() {
      // given
      Phase build =
          phase("build", sh("exit 1"), List.of(), new CheckSpec("marker", sh("touch check-ran")));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(file("check-ran")).doesNotExist();
    }

    @Test
    void shouldReportAProgramThatDoesNotExistAsInfrastructure() {
      // given
      Phase build =
          phase(
              "build",
              new CommandSpec(
                  List.of("redrive-no-such-program-4711"), Map.of(), ".", Duration.ofSeconds(5)),
              List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.INFRASTRUCTURE);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.errorType()).isEqualTo("could not start");
      assertThat(outcome.message()).startsWith("could not start redrive-no-such-program-4711: ");
      assertThat(outcome.exitCode()).isNull();
    }

    @Test
    void shouldReportAMissingWorkingDirectoryAsInfrastructure() {
      // given
      Phase build =
          phase(
              "build",
              new CommandSpec(List.of("true"), Map.of(), "no-such-dir", Duration.ofSeconds(5)),
              List.of());

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.INFRASTRUCTURE);
      assertThat(outcome.message()).startsWith("could not start true: ");
    }
  }

  @Nested
  class Outputs {

    @Test
    void shouldReportAMissingExpectedOutputAsMissingOutput() throws IOException {
      // given
      Phase build =
          phase(
              "build",
              sh("echo half done > artifacts/build/a.txt; echo finished"),
              List.of("artifacts/build/a.txt", "artifacts/build/b.txt"),
              new CheckSpec("marker", sh("touch check-ran")));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.MISSING_OUTPUT);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.errorType()).isEqualTo("missing output");
      assertThat(outcome.message()).isEqualTo("phase build did not produce: artifacts/build/b.txt");
      assertThat(outcome.exitCode()).isZero();
      assertThat(outcome.logExcerpt()).isEqualTo("finished\n");
      assertThat(outcome.checks()).isEmpty();
      assertThat(file("check-ran")).doesNotExist();
    }

    @Test
    void shouldReportAnEarlierPhasesMissingOutputAsHardWithoutRunningTheCommand() {
      // given
      Phase prepare = phase("prepare", sh("true"), List.of("artifacts/prepare/data.txt"));
      Phase build = phase("build", sh("touch command-ran"), List.of());

      // when
      AttemptOutcome outcome =
          executor.run(
              EXECUTION,
              new Pipeline("test", "test.yaml", List.of(prepare, build)),
              build,
              workspace,
              2,
              2,
              Map.of());

      // then
      assertThat(outcome)
          .isEqualTo(
              new AttemptOutcome(
                  FailureType.MISSING_OUTPUT,
                  true,
                  "missing input",
                  "expected output from prepare not found: artifacts/prepare/data.txt",
                  null,
                  List.of(),
                  "",
                  0,
                  null,
                  Map.of(
                      AttemptOutcome.MISSING_OUTPUT_PHASE,
                      "prepare",
                      AttemptOutcome.MISSING_OUTPUT_PATH,
                      "artifacts/prepare/data.txt")));
      assertThat(file("command-ran")).doesNotExist();
    }

    @Test
    void shouldKeepTheHeadAndTailOfAMegabyteOfOutputWithAnOmittedMarker() {
      // given
      PhaseExecutor small =
          new PhaseExecutor(
              4 * 1024, Map.of("PATH", System.getenv("PATH")), Sandbox.none(), 1 << 20);
      Phase chatty =
          phase(
              "chatty",
              sh("printf HEAD-START; head -c 1048576 /dev/zero | tr '\\0' x; printf TAIL-END"),
              List.of());
      long total = "HEAD-START".length() + 1_048_576L + "TAIL-END".length();

      // when
      AttemptOutcome outcome = run(small, chatty);

      // then
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.logExcerpt())
          .isEqualTo(
              "HEAD-START"
                  + "x".repeat(2048 - 10)
                  + "\n[... "
                  + (total - 4096)
                  + " bytes omitted ...]\n"
                  + "x".repeat(2048 - 8)
                  + "TAIL-END");
    }
  }

  @Nested
  class ExitCriteria {

    @Test
    void shouldReportAFailingCheckByNameWithItsOutput() {
      // given
      Phase build =
          phase(
              "build",
              sh("echo compiled"),
              List.of(),
              new CheckSpec("lint", sh("echo clean")),
              new CheckSpec("unit-tests", sh("echo '2 tests failed'; exit 1")),
              new CheckSpec("docs", sh("true")));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.EXIT_CRITERIA_NOT_MET);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.errorType()).isEqualTo("exit criteria not met");
      assertThat(outcome.message()).isEqualTo("exit criteria not met: unit-tests");
      assertThat(outcome.exitCode()).isZero();
      assertThat(outcome.checks())
          .containsExactly(
              new CheckResult("lint", true, "clean\n"),
              new CheckResult("unit-tests", false, "2 tests failed\n"),
              new CheckResult("docs", true, ""));
      assertThat(outcome.failedCheckNames()).containsExactly("unit-tests");
      assertThat(outcome.logExcerpt()).isEqualTo("compiled\n");
    }

    @Test
    void shouldNameEveryFailingCheck() {
      // given
      Phase build =
          phase(
              "build",
              sh("true"),
              List.of(),
              new CheckSpec("first", sh("exit 1")),
              new CheckSpec("second", sh("exit 2")));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.message()).isEqualTo("exit criteria not met: first, second");
    }

    @Test
    void shouldFailACheckThatRunsPastItsTimeout() {
      // given
      Phase build =
          phase(
              "build",
              sh("true"),
              List.of(),
              new CheckSpec("slow", sh("sleep 30", Duration.ofMillis(300))));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.EXIT_CRITERIA_NOT_MET);
      assertThat(outcome.checks()).extracting(CheckResult::passed).containsExactly(false);
    }

    @Test
    void shouldFailACheckWhoseProgramDoesNotExist() {
      // given
      Phase build =
          phase(
              "build",
              sh("true"),
              List.of(),
              new CheckSpec(
                  "missing",
                  new CommandSpec(
                      List.of("redrive-no-such-check-4711"),
                      Map.of(),
                      ".",
                      Duration.ofSeconds(5))));

      // when
      AttemptOutcome outcome = run(build);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.EXIT_CRITERIA_NOT_MET);
      assertThat(outcome.failedCheckNames()).containsExactly("missing");
    }
  }

  @Nested
  class Timeouts {

    @Test
    void shouldKillACommandThatRunsPastItsTimeout() throws IOException {
      // given
      Phase slow =
          phase(
              "slow",
              sh("echo $$ > artifacts/slow/sh.pid; echo waiting; sleep 30", Duration.ofMillis(300)),
              List.of());

      // when
      AttemptOutcome outcome = run(slow);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.TIMEOUT);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.errorType()).isEqualTo("timeout");
      assertThat(outcome.message()).isEqualTo("phase slow ran longer than PT0.3S and was killed");
      assertThat(outcome.exitCode()).isNull();
      assertThat(outcome.logExcerpt()).isEqualTo("waiting\n");
      assertThat(outcome.durationMs()).isBetween(300L, 10_000L);
      awaitGone(pids("artifacts/slow/sh.pid"));
    }

    @Test
    void shouldKillTheWholeProcessTreeAtTheTimeout() throws IOException {
      // given a shell with a background child, and a nested shell with a child of its own (each
      // writes its pid into the phase's artifacts, where it may write)
      String script =
          "cd artifacts/slow; echo $$ > sh.pid;"
              + " sleep 30 & echo $! > child.pid;"
              + " sh -c 'echo $$ > nested.pid; sleep 30 & echo $! > grandchild.pid; sleep 30' &"
              + " sleep 30";
      Phase slow = phase("slow", sh(script, Duration.ofSeconds(1)), List.of());

      // when
      AttemptOutcome outcome = run(slow);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.TIMEOUT);
      assertThat(outcome.durationMs()).isLessThan(10_000L);
      awaitGone(
          pids(
              "artifacts/slow/sh.pid",
              "artifacts/slow/child.pid",
              "artifacts/slow/nested.pid",
              "artifacts/slow/grandchild.pid"));
    }

    @Test
    void shouldNotRunTheChecksAfterATimeout() {
      // given
      Phase slow =
          phase(
              "slow",
              sh("sleep 30", Duration.ofMillis(300)),
              List.of(),
              new CheckSpec("marker", sh("touch check-ran")));

      // when
      AttemptOutcome outcome = run(slow);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.TIMEOUT);
      assertThat(outcome.checks()).isEmpty();
      assertThat(file("check-ran")).doesNotExist();
    }

    private List<Long> pids(String... files) throws IOException {
      List<Long> pids = new ArrayList<>();
      for (String name : files) {
        pids.add(Long.parseLong(Files.readString(file(name)).strip()));
      }
      return pids;
    }

    private void awaitGone(List<Long> pids) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(pids).noneMatch(PhaseExecutorTest::running));
    }
  }

  @Nested
  class Environment {

    @Test
    void shouldTellThePhaseWhichExecutionPhaseAndAttemptItIsAndWhereThingsAre() throws IOException {
      // given
      Phase build =
          phase(
              "build",
              new CommandSpec(
                  List.of("sh", "-c", "env > artifacts/build/env.txt"),
                  Map.of("MODE", "fast"),
                  ".",
                  Duration.ofSeconds(10)),
              List.of());
      Map<String, String> retryEnvironment =
          Map.of(
              "REDRIVE_CONTEXT_FILE",
              file(".redrive/context-build-attempt-2.json").toString(),
              "REDRIVE_PREVIOUS_ERROR",
              "COMMAND_FAILED: boom");

      // when
      AttemptOutcome outcome =
          executor.run(
              EXECUTION,
              new Pipeline("test", "test.yaml", List.of(build)),
              build,
              workspace,
              2,
              3,
              retryEnvironment);

      // then
      assertThat(outcome.succeeded()).isTrue();
      Map<String, String> env = readEnv(file("artifacts/build/env.txt"));
      assertThat(env)
          .containsEntry("REDRIVE_EXECUTION_ID", EXECUTION)
          .containsEntry("REDRIVE_PHASE", "build")
          .containsEntry("REDRIVE_ATTEMPT", "2")
          .containsEntry("REDRIVE_MAX_ATTEMPTS", "3")
          .containsEntry("REDRIVE_WORKSPACE", workspace.root().toString())
          .containsEntry("REDRIVE_ARTIFACTS_DIR", file("artifacts/build").toString())
          .containsEntry(
              "REDRIVE_CONTEXT_FILE", file(".redrive/context-build-attempt-2.json").toString())
          .containsEntry("REDRIVE_PREVIOUS_ERROR", "COMMAND_FAILED: boom")
          .containsEntry("MODE", "fast");
    }

    @Test
    void shouldGiveTheChecksTheSameEnvironment() {
      // given
      Phase build =
          phase(
              "build",
              sh("true"),
              List.of(),
              new CheckSpec(
                  "sees-env",
                  sh(
                      "test \"$REDRIVE_PHASE\" = build"
                          + " && test \"$REDRIVE_ATTEMPT\" = 1"
                          + " && test \"$REDRIVE_PREVIOUS_ERROR\" = oops")));

      // when
      AttemptOutcome outcome =
          executor.run(
              EXECUTION,
              new Pipeline("test", "test.yaml", List.of(build)),
              build,
              workspace,
              1,
              2,
              Map.of("REDRIVE_PREVIOUS_ERROR", "oops"));

      // then
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.checks()).extracting(CheckResult::passed).containsExactly(true);
    }

    @Test
    void shouldBuildTheEnvironmentFromTheExecutionPhaseAndWorkspace() {
      // given
      Phase build = phase("build", sh("true"), List.of());

      // when
      Map<String, String> env = PhaseExecutor.environment("exec_7", build, workspace, 1, 2);

      // then
      assertThat(env)
          .containsExactly(
              Map.entry("REDRIVE_EXECUTION_ID", "exec_7"),
              Map.entry("REDRIVE_PHASE", "build"),
              Map.entry("REDRIVE_WORKSPACE", workspace.root().toString()),
              Map.entry("REDRIVE_ARTIFACTS_DIR", file("artifacts/build").toString()),
              Map.entry("REDRIVE_ATTEMPT", "1"),
              Map.entry("REDRIVE_MAX_ATTEMPTS", "2"));
    }

    @Test
    void shouldLeaveOutTheBoundWhenItIsUnknown() {
      // given a phase whose bound only the coordinator's policy knows
      Phase build = phase("build", sh("true"), List.of());

      // when
      Map<String, String> env = PhaseExecutor.environment("exec_7", build, workspace, 1, null);

      // then
      assertThat(env)
          .containsEntry("REDRIVE_ATTEMPT", "1")
          .doesNotContainKey("REDRIVE_MAX_ATTEMPTS");
    }

    private Map<String, String> readEnv(Path file) throws IOException {
      return Files.readAllLines(file).stream()
          .filter(line -> line.contains("="))
          .map(line -> line.split("=", 2))
          .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1], (a, b) -> b));
    }
  }

  static boolean running(long pid) {
    return LiveProcesses.running(pid);
  }
}
