package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.ExecutionCancelled;
import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.StartExecution;
import dev.redrive.runner.workspace.Workspace;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
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
    assertThat(second.getDeclaredPolicy())
        .isEqualTo(
            DeclaredPolicy.newBuilder()
                .setMaxAttempts(3)
                .setInitialIntervalMs(2_000L)
                .setNonRetryable(List.of(FailureType.TIMEOUT))
                .build());
    assertThat(second.getLoop()).isNull();
    assertThat(second.getAttributes())
        .containsEntry("redrive.attempt.origin", "RETRY")
        .doesNotContainKey("redrive.policy.max-attempts");
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
            .setRequestedBy("carol")
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
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("no longer needed");
              assertThat(e.getRequestedBy()).isEqualTo("carol");
            });
    assertThat(runner.events(executionId, AttemptFailed.class)).isEmpty();

    // and a retry of a cancelled execution is refused to the dead-letter topic
    runner.send(
        RunnerHarness.retryCommand(
            executionId, "wait", 2, 2, UUID.randomUUID().toString(), "try again"));
    assertThat(runner.awaitDeadLetter(executionId, "was cancelled")).contains(executionId);
  }

  @Test
  void cancelOfAnEndedExecutionIsAConflictNamingItsStatusAndOfAnUnknownOneNotFound() {
    // given an execution that succeeded
    String executionId = runner.start("chain", Map.of());
    runner.awaitStatus(executionId, "SUCCEEDED");
    String cancel = "/api/v1/executions/" + executionId + "/cancel";

    // when a person cancels it, twice with the same request id
    HttpResponse<String> first = runner.post(cancel, "{\"requestId\": \"late-cancel\"}");
    HttpResponse<String> again = runner.post(cancel, "{\"requestId\": \"late-cancel\"}");

    // then each answer is 409 with its status, and the execution still succeeded
    for (HttpResponse<String> answer : List.of(first, again)) {
      assertThat(answer.statusCode()).isEqualTo(409);
      JsonNode problem = RunnerHarness.json(answer.body());
      assertThat(problem.path("detail").asString())
          .isEqualTo("execution " + executionId + " already SUCCEEDED; nothing to cancel");
      assertThat(problem.path("currentStatus").asString()).isEqualTo("SUCCEEDED");
    }
    runner.barrier(executionId);
    assertThat(runner.events(executionId, ExecutionCancelled.class)).isEmpty();
    assertThat(runner.awaitStatus(executionId, "SUCCEEDED")).isNotNull();

    // and a cancelled execution cancelled again is a 409 too, an unknown one a 404
    String running = runner.start("sleepy", Map.of());
    String cancelRunning = "/api/v1/executions/" + running + "/cancel";
    assertThat(runner.post(cancelRunning, "{\"requestedBy\": \"dave\"}").statusCode())
        .isEqualTo(202);
    assertThat(runner.awaitEvent(running, ExecutionCancelled.class, e -> true))
        .satisfies(
            e -> {
              assertThat(e.getRequestedBy()).isEqualTo("dave");
              assertThat(e.getReason()).isEqualTo("cancelled by dave");
            });
    HttpResponse<String> twice = runner.post(cancelRunning, "{}");
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(twice.body()).contains("already CANCELLED; nothing to cancel");
    assertThat(runner.post("/api/v1/executions/exec_nobody/cancel", "{}").statusCode())
        .isEqualTo(404);
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

    assertThat(runner.awaitDeadLetter(unsafe, "CommandEvent.executionId: character U+002F"))
        .contains("without '..'");
    assertThat(runner.workspaces().resolveSibling("outside-" + unsafe.substring(14)))
        .doesNotExist();
  }

  @Test
  void startRefusesEachFieldOverItsLimitNamingItAndStoresNothing() {
    long executionsBefore = executions();

    // a 1.2 MB parameter: 413 naming the parameter, the limit and the setting
    HttpResponse<String> large =
        runner.post(
            "/api/v1/executions",
            "{\"pipeline\": \"chain\", \"parameters\": {\"target\": \""
                + "x".repeat(1_200_000)
                + "\"}}");
    assertThat(large.statusCode()).isEqualTo(413);
    JsonNode problem = RunnerHarness.json(large.body());
    assertThat(problem.path("field").asString()).isEqualTo("parameters.target");
    assertThat(problem.path("detail").asString())
        .isEqualTo(
            "parameters.target: 1,200,000 bytes, at most 65,536"
                + " (redrive.limits.max-parameter-bytes); send less or raise the setting");

    // too many parameters, a parameter name with a newline, a null parameter
    assertThat(refused("{\"pipeline\": \"chain\", \"parameters\": " + many(65, "v") + "}"))
        .contains("parameters: 65 entries, at most 64 (redrive.limits.max-parameters)");
    assertThat(refused("{\"pipeline\": \"chain\", \"parameters\": {\"a\\nb\": \"v\"}}"))
        .contains("the name of parameter 0 is not");
    assertThat(refused("{\"pipeline\": \"chain\", \"parameters\": {\"target\": null}}"))
        .contains("parameters.target: null");

    // too many input files, one too large once decoded, a name with a newline
    assertThat(refused("{\"pipeline\": \"chain\", \"inputFiles\": " + many(65, "aGk=") + "}"))
        .contains("inputFiles: 65 entries, at most 64 (redrive.limits.max-input-files)");
    String nineMegabytes = Base64.getEncoder().encodeToString(new byte[9 * 1024 * 1024]);
    HttpResponse<String> file =
        runner.post(
            "/api/v1/executions",
            "{\"pipeline\": \"chain\", \"inputFiles\": {\"big.bin\": \"" + nineMegabytes + "\"}}");
    assertThat(file.statusCode()).isEqualTo(413);
    assertThat(file.body())
        .contains("inputFiles.big.bin: 9,437,184 bytes, at most 8,388,608")
        .contains("redrive.limits.max-input-file-bytes");
    assertThat(refused("{\"pipeline\": \"chain\", \"inputFiles\": {\"a\\nb.txt\": \"aGk=\"}}"))
        .contains("inputFiles[0] name: control character U+000A");

    // nothing was stored, and the next valid request works
    assertThat(executions()).isEqualTo(executionsBefore);
    String executionId = runner.start("chain", Map.of("target", "x".repeat(60_000)));
    runner.awaitStatus(executionId, "SUCCEEDED");
  }

  @Test
  void resumeCancelAndPathIdsRefuseOversizedNotesAndBadIds() {
    String executionId = runner.start("chain", Map.of());
    runner.awaitStatus(executionId, "SUCCEEDED");
    runner.awaitEvents(executionId, AttemptStarted.class, 3);
    String resume = "/api/v1/executions/" + executionId + "/resume";

    HttpResponse<String> note =
        runner.post(resume, "{\"fromPhase\": \"a\", \"note\": \"" + "n".repeat(600_000) + "\"}");
    assertThat(note.statusCode()).isEqualTo(413);
    assertThat(note.body())
        .contains("note: 600,000 bytes, at most 16,384 (redrive.limits.max-note-bytes)");
    assertThat(runner.post(resume, "{\"fromPhase\": \"a\", \"requestId\": \"r\\n1\"}").body())
        .contains("requestId: character U+000A at index 1 is not allowed");
    assertThat(
            runner.post(resume, "{\"fromPhase\": \"a\", \"requestedBy\": \"bob\\r\\nx\"}").body())
        .contains("requestedBy: control character U+000D");
    HttpResponse<String> reason =
        runner.post(
            "/api/v1/executions/" + executionId + "/cancel",
            "{\"reason\": \"" + "r".repeat(600_000) + "\"}");
    assertThat(reason.statusCode()).isEqualTo(413);
    assertThat(reason.body()).contains("reason: 600,000 bytes");

    HttpResponse<String> pathId = runner.post("/api/v1/executions/exec%0Aforged/cancel", "{}");
    assertThat(pathId.statusCode()).isEqualTo(400);
    assertThat(RunnerHarness.json(pathId.body()).path("field").asString()).isEqualTo("executionId");
    assertThat(runner.get("/api/v1/executions/a..b/phases").path("detail").asString())
        .startsWith("executionId: contains '..'");

    // nothing ran again, and the next valid resume works
    assertThat(runner.events(executionId, AttemptStarted.class)).hasSize(3);
    HttpResponse<String> valid = runner.post(resume, "{\"fromPhase\": \"c\", \"note\": \"again\"}");
    assertThat(valid.statusCode()).isEqualTo(202);
    runner.awaitEvents(executionId, AttemptStarted.class, 4);
  }

  @Test
  void commandsWithABadIdOrAnOversizedFieldAreDeadLetteredAndTheNextOneRuns() {
    String executionId = "exec_limits_" + UUID.randomUUID().toString().substring(0, 8);

    // a start whose command id holds a newline, a rollback with a 600 KB note
    runner.send(
        RunnerHarness.command(
            executionId,
            StartExecution.newBuilder().setCommandId("cmd\nforged").setPipeline("chain").build()));
    runner.send(
        RunnerHarness.command(
            executionId,
            Rollback.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setToPhase("a")
                .setNote("n".repeat(600_000))
                .build()));
    // and an execution id with a newline
    String forged = "exec\nid: forged-" + UUID.randomUUID();
    runner.send(
        RunnerHarness.command(
            forged,
            StartExecution.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setPipeline("chain")
                .build()));

    assertThat(runner.awaitDeadLetter(executionId, "StartExecution.commandId"))
        .contains("character U+000A at index 3");
    assertThat(runner.awaitDeadLetter(executionId, "Rollback.note"))
        .contains("600,000 bytes, at most 16,384 (redrive.limits.max-note-bytes)");
    assertThat(runner.awaitDeadLetter(forged, "CommandEvent.executionId")).contains("U+000A");

    // then the next valid command of the execution runs
    runner.send(
        RunnerHarness.command(
            executionId,
            StartExecution.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setPipeline("chain")
                .build()));
    runner.awaitStatus(executionId, "SUCCEEDED");
  }

  private String refused(String body) {
    HttpResponse<String> response = runner.post("/api/v1/executions", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return RunnerHarness.json(response.body()).path("detail").asString();
  }

  private static String many(int count, String value) {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ",")
          .append("\"p")
          .append(i)
          .append("\": \"")
          .append(value)
          .append('"');
    }
    return json.append('}').toString();
  }

  private long executions() {
    return runner
        .context()
        .getBean(JdbcClient.class)
        .sql("SELECT count(*) FROM execution")
        .query(Long.class)
        .single();
  }
}
