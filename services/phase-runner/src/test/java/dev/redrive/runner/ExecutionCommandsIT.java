package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.StartExecution;
import dev.redrive.runner.app.Workspace;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Commands on redrive.commands (StartExecution, RetryCommand, Cancel) and the start endpoint, on a
 * real broker and a real PostgreSQL.
 */
class ExecutionCommandsIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void startExecutionGetsTheGivenIdAndCopiesTheInputsOfTheExecutionItResubmits()
      throws IOException {
    // given a finished execution with parameters and input files
    String original =
        runner.start(
            "chain",
            Map.of("region", "eu", "mode", "old"),
            Map.of("data.txt", "hello", "sub/deep.txt", "deep"));
    runner.awaitStatus(original, "SUCCEEDED");

    // when the coordinator asks for a resubmission under an id it chose
    String resubmitted = "exec_resub_" + UUID.randomUUID().toString().substring(0, 8);
    StartExecution start =
        StartExecution.newBuilder()
            .setCommandId(UUID.randomUUID().toString())
            .setPipeline("chain")
            .setParameters(Map.of("mode", "new", "extra", "1"))
            .setResubmitOf(original)
            .setRequestedBy("alice")
            .build();
    runner.send(RunnerHarness.command(resubmitted, start));

    // then the new execution runs under that id, with the copied inputs and merged parameters
    JsonNode view = runner.awaitStatus(resubmitted, "SUCCEEDED");
    assertThat(view.path("execution").path("resubmitOf").asString()).isEqualTo(original);
    Path workspace = runner.workspace(resubmitted);
    assertThat(workspace.getFileName().toString()).isEqualTo(resubmitted);
    assertThat(workspace.resolve("input/data.txt")).hasContent("hello");
    assertThat(workspace.resolve("input/sub/deep.txt")).hasContent("deep");
    assertThat(new Workspace(workspace).parameters())
        .containsExactlyInAnyOrderEntriesOf(Map.of("region", "eu", "mode", "new", "extra", "1"));
    assertThat(runner.events(resubmitted, ExecutionStarted.class))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getParameters())
                    .containsExactlyInAnyOrderEntriesOf(
                        Map.of("region", "eu", "mode", "new", "extra", "1")));

    // when the same command arrives again
    runner.send(RunnerHarness.command(resubmitted, start));
    runner.barrier(resubmitted);

    // then nothing ran twice
    assertThat(runner.events(resubmitted, ExecutionStarted.class)).hasSize(1);
    assertThat(runner.events(resubmitted, AttemptStarted.class)).hasSize(3);
    assertThat(Files.readString(workspace.resolve("input/data.txt"))).isEqualTo("hello");
  }

  @Test
  void duplicateRetryCommandsRunThePhaseOnceWithItsContext() throws IOException {
    // given a failed execution
    String executionId = runner.start("misbehave", Map.of("mode", "fail"));
    runner.awaitEvents(executionId, AttemptFailed.class, 1);

    // when the same retry command arrives twice
    String commandId = UUID.randomUUID().toString();
    runner.send(
        RunnerHarness.retryCommand(executionId, "work", 2, 3, commandId, "print less, fix more"));
    runner.send(
        RunnerHarness.retryCommand(executionId, "work", 2, 3, commandId, "print less, fix more"));
    runner.awaitEvents(executionId, AttemptFailed.class, 2);
    runner.barrier(executionId);

    // then the phase ran once more, with the context in its file, and the policy is published
    assertThat(runner.events(executionId, AttemptStarted.class))
        .extracting(AttemptStarted::getAttemptNumber)
        .containsExactly(1, 2);
    assertThat(runner.events(executionId, AttemptStarted.class).get(1).getCommandId())
        .isEqualTo(commandId);
    assertThat(runner.events(executionId, AttemptFailed.class)).hasSize(2);
    Path workspace = runner.workspace(executionId);
    assertThat(Files.readString(workspace.resolve(".redrive/context-work-attempt-2.json")))
        .contains("\"guidance\":\"print less, fix more\"", "boom: the real cause", commandId);
    AttemptFailed second = runner.events(executionId, AttemptFailed.class).get(1);
    assertThat(second.getAttributes())
        .containsEntry("redrive.policy.max-attempts", "3")
        .containsEntry("redrive.policy.initial-interval", "PT2S")
        .containsEntry("redrive.policy.non-retryable", "TIMEOUT")
        .containsEntry("redrive.attempt.origin", "RETRY");
  }

  @Test
  void cancelStopsTheRunningPhaseAndMarksTheExecutionCancelledOnce() throws IOException {
    // given a phase that runs until it is stopped
    String executionId = runner.start("sleepy", Map.of());
    Path pidFile = runner.workspace(executionId).resolve("artifacts/wait/pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
    assertThat(HostProcesses.ofExecution(executionId)).isNotEmpty();

    // when it is cancelled, and cancelled again
    Cancel cancel =
        Cancel.newBuilder()
            .setCommandId(UUID.randomUUID().toString())
            .setReason("no longer needed")
            .build();
    runner.send(RunnerHarness.command(executionId, cancel));
    runner.send(RunnerHarness.command(executionId, cancel));
    runner.send(
        RunnerHarness.command(
            executionId,
            Cancel.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setReason("again")
                .build()));

    // then the process is gone, the execution is CANCELLED and said so once, and nothing failed
    runner.awaitEvent(executionId, ExecutionCancelled.class, e -> true);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> HostProcesses.ofExecution(executionId).isEmpty());
    JsonNode view =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> runner.get("/api/v1/executions/" + executionId + "/phases"),
                v -> "CANCELLED".equals(v.path("attempts").get(0).path("status").asString()));
    assertThat(view.path("execution").path("status").asString()).isEqualTo("CANCELLED");
    assertThat(view.path("phases").get(0).path("status").asString()).isEqualTo("CANCELLED");
    runner.barrier(executionId);
    assertThat(runner.events(executionId, ExecutionCancelled.class))
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo("no longer needed"));
    assertThat(runner.events(executionId, AttemptFailed.class)).isEmpty();

    // and a retry of a cancelled execution is refused to the dead-letter topic
    runner.send(
        RunnerHarness.retryCommand(
            executionId, "wait", 2, 2, UUID.randomUUID().toString(), "try again"));
    assertThat(runner.awaitDeadLetter(executionId, "was cancelled")).contains(executionId);
  }

  @Test
  void startRefusesInputsThatLeaveTheInputFolderOrAreMissing() {
    HttpResponse<String> escaping =
        runner.post(
            "/api/v1/executions",
            "{\"pipeline\": \"chain\", \"inputFiles\": {\"../escape.txt\": \"aGk=\"}}");
    assertThat(escaping.statusCode()).isEqualTo(400);
    assertThat(escaping.body()).contains("must stay inside input/");

    HttpResponse<String> missing =
        runner.post("/api/v1/executions", "{\"pipeline\": \"misbehave\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("needs the inputs [mode]");

    HttpResponse<String> unknown = runner.post("/api/v1/executions", "{\"pipeline\": \"nope\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("known pipelines");

    assertThat(runner.get("/api/v1/executions/exec_unknown/phases").path("status").asInt())
        .isEqualTo(404);
  }

  @Test
  void startExecutionWithAnIdThatIsNoSafeFolderNameGoesToTheDeadLetterTopic() {
    String unsafe = "../../outside-" + UUID.randomUUID();

    runner.send(
        RunnerHarness.command(
            unsafe,
            StartExecution.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setPipeline("chain")
                .build()));

    assertThat(runner.awaitDeadLetter(unsafe, "names a folder")).contains(unsafe);
    assertThat(runner.workspaces().resolveSibling("outside-" + unsafe.substring(14)))
        .doesNotExist();
  }
}
