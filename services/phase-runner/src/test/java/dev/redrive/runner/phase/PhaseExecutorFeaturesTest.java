package dev.redrive.runner.phase;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.app.PhaseRunner.PhaseRun;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Handler;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.Checkpoints;
import dev.redrive.runner.workspace.Workspace;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unauthorized writes, output globs and sizes, inputs, stopping, and webhook phases against a real
 * {@link HttpServer}.
 */
class PhaseExecutorFeaturesTest {

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
    return new CommandSpec(List.of("sh", "-c", script), Map.of(), ".", Duration.ofSeconds(30));
  }

  private static Phase phase(
      String name,
      Handler handler,
      List<OutputSpec> outputs,
      List<String> allowed,
      List<String> inputs,
      CheckSpec... checks) {
    return new Phase(name, handler, outputs, List.of(checks), allowed, inputs, null, null);
  }

  private AttemptOutcome run(Phase phase, Map<String, String> parameters, String context) {
    return run(phase, parameters, context, new PhaseControl());
  }

  private AttemptOutcome run(
      Phase phase, Map<String, String> parameters, String context, PhaseControl control) {
    return executor.run(
        new PhaseRun(
            EXECUTION,
            new Pipeline("test", "test.yaml", List.of(phase)),
            phase,
            workspace.root().toString(),
            1,
            2,
            Map.of(),
            parameters,
            context,
            control));
  }

  private Path file(String relative) {
    return workspace.resolve(relative);
  }

  @Nested
  class UnauthorizedWrites {

    @Test
    void shouldQuarantineACreatedFileAndRestoreAChangedOneFromItsCheckpoint() throws IOException {
      // given an input file with a checkpoint copy
      workspace.write("input/data.txt", "original");
      Checkpoints.record(workspace, Checkpoints.INPUT, Checkpoints.inputScope());
      Phase build =
          phase(
              "build",
              sh(
                  "echo ok > artifacts/build/out.txt; echo evil > stray.txt; echo bad > input/data.txt"),
              List.of(),
              List.of(),
              List.of());

      // when
      AttemptOutcome outcome = run(build, Map.of(), null);

      // then
      assertThat(outcome.failureType()).isEqualTo(FailureType.UNAUTHORIZED_WRITE);
      assertThat(outcome.hard()).isTrue();
      assertThat(outcome.message())
          .isEqualTo(
              "phase build wrote outside its allowed paths [artifacts/build]: created stray.txt;"
                  + " changed input/data.txt; moved to artifacts/_untrusted/build/attempt-1/;"
                  + " restored from checkpoints: input/data.txt");
      assertThat(outcome.attributes())
          .containsEntry("redrive.untrusted.files", "input/data.txt,stray.txt")
          .containsEntry("redrive.untrusted.location", "artifacts/_untrusted/build/attempt-1/");
      assertThat(file("stray.txt")).doesNotExist();
      assertThat(file("artifacts/_untrusted/build/attempt-1/stray.txt")).hasContent("evil");
      assertThat(file("artifacts/_untrusted/build/attempt-1/input/data.txt")).hasContent("bad");
      assertThat(file("input/data.txt")).hasContent("original");
      assertThat(file("artifacts/build/out.txt")).hasContent("ok");
    }

    @Test
    void shouldRestoreADeletedFileAndReportTheDeletion() throws IOException {
      workspace.write("input/keep.txt", "keep me");
      Checkpoints.record(workspace, Checkpoints.INPUT, Checkpoints.inputScope());
      Phase build = phase("build", sh("rm input/keep.txt"), List.of(), List.of(), List.of());

      AttemptOutcome outcome = run(build, Map.of(), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.UNAUTHORIZED_WRITE);
      assertThat(outcome.message()).contains("deleted input/keep.txt");
      assertThat(file("input/keep.txt")).hasContent("keep me");
    }

    @Test
    void shouldAllowWritesToTheDeclaredPathsAndIgnoreTheRunnersOwnFolder() {
      Phase build =
          phase(
              "build",
              sh(
                  "mkdir -p cache logs; echo 1 > cache/a; echo 2 > logs/x.log; echo 3 > .redrive/note"),
              List.of(),
              List.of("cache/", "logs/*.log"),
              List.of());

      AttemptOutcome outcome = run(build, Map.of(), null);

      assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
      assertThat(file("cache/a")).exists();
    }

    @Test
    void shouldPreferUnauthorizedWriteOverTheCommandsOwnFailure() {
      Phase build =
          phase("build", sh("echo x > stray.txt; exit 3"), List.of(), List.of(), List.of());

      AttemptOutcome outcome = run(build, Map.of(), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.UNAUTHORIZED_WRITE);
      assertThat(outcome.exitCode()).isEqualTo(3);
      assertThat(outcome.message()).contains("(the phase also failed: command exited with code 3)");
    }

    @Test
    void shouldNotHoldTheExitCriteriaToTheWritePaths() {
      Phase build =
          phase(
              "build",
              sh("true"),
              List.of(),
              List.of(),
              List.of(),
              new CheckSpec("marker", sh("touch check-ran")));

      AttemptOutcome outcome = run(build, Map.of(), null);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(file("check-ran")).exists();
    }
  }

  @Nested
  class OutputsAndInputs {

    @Test
    void shouldAcceptAGlobWhenEveryMatchIsBigEnough() {
      Phase build =
          phase(
              "build",
              sh(
                  "mkdir -p artifacts/build/r; echo aaaa > artifacts/build/r/1.xml; echo bbbb > artifacts/build/r/2.xml"),
              List.of(new OutputSpec("artifacts/build/r/*.xml", 3)),
              List.of(),
              List.of());

      assertThat(run(build, Map.of(), null).succeeded()).isTrue();
    }

    @Test
    void shouldReportAGlobMatchBelowTheMinimumSize() {
      Phase build =
          phase(
              "build",
              sh("echo aaaa > artifacts/build/1.xml; printf b > artifacts/build/2.xml"),
              List.of(new OutputSpec("artifacts/build/*.xml", 3)),
              List.of(),
              List.of());

      AttemptOutcome outcome = run(build, Map.of(), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.MISSING_OUTPUT);
      assertThat(outcome.message())
          .isEqualTo("phase build did not produce: artifacts/build/*.xml (at least 3 bytes)");
    }

    @Test
    void shouldCountAFoldersFilesTowardsItsMinimumSize() {
      Phase build =
          phase(
              "build",
              sh(
                  "mkdir -p artifacts/build/site; printf 12345 > artifacts/build/site/a; printf 678 > artifacts/build/site/b"),
              List.of(new OutputSpec("artifacts/build/site", 8)),
              List.of(),
              List.of());

      assertThat(run(build, Map.of(), null).succeeded()).isTrue();
    }

    @Test
    void shouldHaltWhenAnEarlierPhasesOutputIsTooSmall() throws IOException {
      Phase prepare =
          phase(
              "prepare",
              sh("true"),
              List.of(new OutputSpec("artifacts/prepare/d.txt", 10)),
              List.of(),
              List.of());
      Phase build = phase("build", sh("touch ran"), List.of(), List.of(), List.of());
      workspace.write("artifacts/prepare/d.txt", "tiny");

      AttemptOutcome outcome =
          executor.run(
              new PhaseRun(
                  EXECUTION,
                  new Pipeline("test", "test.yaml", List.of(prepare, build)),
                  build,
                  workspace.root().toString(),
                  1,
                  2,
                  Map.of(),
                  Map.of(),
                  null,
                  new PhaseControl()));

      assertThat(outcome.failureType()).isEqualTo(FailureType.MISSING_OUTPUT);
      assertThat(outcome.hard()).isTrue();
      assertThat(outcome.message())
          .isEqualTo(
              "expected output from prepare too small: artifacts/prepare/d.txt has 4 bytes, at"
                  + " least 10 expected");
      assertThat(file("ran")).doesNotExist();
    }

    @Test
    void shouldGiveACommandOnlyTheInputsItDeclares() {
      Phase build =
          phase(
              "build",
              sh(
                  "echo \"$REDRIVE_INPUT_TARGET|${REDRIVE_INPUT_SECRET:-unset}\" > artifacts/build/env.txt"),
              List.of(),
              List.of(),
              List.of("target"));

      AttemptOutcome outcome = run(build, Map.of("target", "prod; rm -rf /", "secret", "s"), null);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(file("artifacts/build/env.txt")).hasContent("prod; rm -rf /|unset");
    }
  }

  @Nested
  class Stopping {

    @Test
    void shouldKillTheCommandWhenStoppedAndSkipTheChecks() {
      PhaseControl control = new PhaseControl();
      Phase slow =
          phase(
              "slow",
              sh("echo started > artifacts/slow/started; sleep 30"),
              List.of(),
              List.of(),
              List.of(),
              new CheckSpec("marker", sh("touch check-ran")));
      CompletableFuture<AttemptOutcome> running =
          CompletableFuture.supplyAsync(() -> run(slow, Map.of(), null, control));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(file("artifacts/slow/started")));

      control.stop();

      AttemptOutcome outcome = running.join();
      assertThat(outcome.failureType()).isEqualTo(FailureType.INTERRUPTED);
      assertThat(outcome.errorType()).isEqualTo("stopped");
      assertThat(outcome.durationMs()).isLessThan(10_000);
      assertThat(file("check-ran")).doesNotExist();
    }
  }

  @Nested
  class Webhooks {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> methods = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "accepted";
    private volatile String retryAfter;
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hold;

    @BeforeEach
    void startServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newCachedThreadPool());
      server.createContext(
          "/hook",
          exchange -> {
            bodies.add(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            methods.add(exchange.getRequestMethod());
            if (hold) {
              try {
                release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            if (retryAfter != null) {
              exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = exchange.getResponseBody()) {
              exchange.sendResponseHeaders(status, bytes.length);
              out.write(bytes);
            } catch (IOException e) {
              // the client gave up (timeout tests)
            }
          });
      server.start();
    }

    @AfterEach
    void stopServer() {
      release.countDown();
      server.stop(0);
    }

    private Phase webhook(String method, String body, Duration timeout, OutputSpec... outputs) {
      return phase(
          "notify",
          new HttpSpec(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
              method,
              Map.of(),
              body,
              timeout),
          List.of(outputs),
          List.of(),
          List.of("who"));
    }

    @Test
    void shouldSucceedOnA2xxKeepingTheAnswerInTheArtifacts() {
      Phase notify =
          webhook(
              "POST",
              "{\"who\": \"${input.who}\", \"context\": ${context}}",
              Duration.ofSeconds(5),
              OutputSpec.of("artifacts/notify/http-response.body"));

      AttemptOutcome outcome = run(notify, Map.of("who", "ops"), "{\"guidance\":\"g\"}");

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.exitCode()).isNull();
      assertThat(outcome.attributes()).containsEntry("redrive.http.status", "200");
      assertThat(bodies).containsExactly("{\"who\": \"ops\", \"context\": {\"guidance\":\"g\"}}");
      assertThat(file("artifacts/notify/http-response.body")).hasContent("accepted");
    }

    @Test
    void shouldSendNoBodyWithAGet() {
      AttemptOutcome outcome =
          run(webhook("GET", null, Duration.ofSeconds(5)), Map.of("who", "x"), null);

      assertThat(outcome.succeeded()).isTrue();
      assertThat(methods).containsExactly("GET");
      assertThat(bodies).containsExactly("");
    }

    @Test
    void shouldReportA5xxAsASoftFailureWithTheRetryAfter() {
      status = 503;
      answer = "down for maintenance";
      retryAfter = "30";

      AttemptOutcome outcome =
          run(webhook("POST", null, Duration.ofSeconds(5)), Map.of("who", "x"), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.errorType()).isEqualTo("HTTP 503");
      assertThat(outcome.retryAfterMs()).isEqualTo(30_000L);
      assertThat(outcome.logExcerpt()).contains("-> HTTP 503", "down for maintenance");
    }

    @Test
    void shouldReportA4xxAsAHardFailure() {
      status = 404;

      AttemptOutcome outcome =
          run(webhook("POST", null, Duration.ofSeconds(5)), Map.of("who", "x"), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
      assertThat(outcome.hard()).isTrue();
      assertThat(outcome.retryAfterMs()).isNull();
      assertThat(outcome.message()).endsWith("answered HTTP 404 (the request is wrong)");
    }

    @Test
    void shouldReportNoAnswerInTimeAsASoftTimeout() {
      hold = true;

      AttemptOutcome outcome =
          run(webhook("POST", null, Duration.ofMillis(300)), Map.of("who", "x"), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.TIMEOUT);
      assertThat(outcome.hard()).isFalse();
    }

    @Test
    void shouldReportAServerThatCannotBeReachedAsInfrastructure() {
      Phase notify = webhook("POST", null, Duration.ofSeconds(5));
      server.stop(0);

      AttemptOutcome outcome = run(notify, Map.of("who", "x"), null);

      assertThat(outcome.failureType()).isEqualTo(FailureType.INFRASTRUCTURE);
      assertThat(outcome.hard()).isFalse();
      assertThat(outcome.message()).startsWith("could not call POST http://127.0.0.1:");
    }

    @Test
    void shouldStopAWaitingCallWhenStopped() {
      hold = true;
      PhaseControl control = new PhaseControl();
      CompletableFuture<AttemptOutcome> running =
          CompletableFuture.supplyAsync(
              () ->
                  run(
                      webhook("POST", null, Duration.ofSeconds(20)),
                      Map.of("who", "x"),
                      null,
                      control));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !bodies.isEmpty());

      control.stop();

      AttemptOutcome outcome = running.join();
      assertThat(outcome.failureType()).isEqualTo(FailureType.INTERRUPTED);
      assertThat(outcome.durationMs()).isLessThan(10_000);
    }
  }
}
