package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.AttemptSucceeded;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.RolledBack;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Rollback commands and resumes: checkpoints restored, later phases archived (never deleted), the
 * phase run again with the person's note, and the chain carried on to the end.
 */
class RollbackAndResumeIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void rollbackRestoresTheCheckpointArchivesLaterPhasesAndRunsThePhaseAgain() throws IOException {
    // given a finished execution whose first phase's artifact was spoiled afterwards
    String executionId = runner.start("chain", Map.of());
    runner.awaitStatus(executionId, "SUCCEEDED");
    Path workspace = runner.workspace(executionId);
    Files.writeString(workspace.resolve("artifacts/a/a.txt"), "spoiled\n");

    // when a person rolls back to phase b with a note, and the command arrives twice
    Rollback rollback =
        Rollback.newBuilder()
            .setCommandId(UUID.randomUUID().toString())
            .setToPhase("b")
            .setNote("use the fixed a")
            .setRequestedBy("alice")
            .build();
    runner.send(RunnerHarness.command(executionId, rollback));
    runner.send(RunnerHarness.command(executionId, rollback));

    // then b and c were cleared, a restored, and b ran again as attempt 2 with the note
    RolledBack rolledBack = runner.awaitEvent(executionId, RolledBack.class, e -> true);
    assertThat(rolledBack.getToPhase()).isEqualTo("b");
    assertThat(rolledBack.getClearedPhases()).containsExactly("b", "c");
    assertThat(rolledBack.getRequestedBy()).isEqualTo("alice");
    runner.awaitEvents(executionId, ExecutionSucceeded.class, 2);
    runner.barrier(executionId);
    assertThat(runner.events(executionId, RolledBack.class)).hasSize(1);
    assertThat(runner.events(executionId, AttemptStarted.class))
        .extracting(s -> s.getPhase() + "#" + s.getAttemptNumber())
        .containsExactly("a#1", "b#1", "c#1", "b#2", "c#2");
    assertThat(workspace.resolve("artifacts/a/a.txt")).hasContent("from-a");
    assertThat(workspace.resolve("artifacts/b/b.txt"))
        .hasContent("from-a\nattempt 2 note=use the fixed a");
    assertThat(archived(workspace, "b", "b.txt")).hasContent("from-a\nattempt 1 note=none");
    assertThat(archived(workspace, "c", "c.txt")).hasContent("from-a\nattempt 1 note=none");
    assertThat(Files.readString(workspace.resolve(".redrive/rollback-b-attempt-2.json")))
        .contains("use the fixed a", "alice");

    // and the runner's view shows every phase complete again, with the rollback in its history
    JsonNode view = runner.get("/api/v1/executions/" + executionId + "/phases");
    assertThat(statuses(view)).containsExactly("COMPLETED", "COMPLETED", "COMPLETED");
    assertThat(view.path("rollbacks").get(0).path("requestedBy").asString()).isEqualTo("alice");
    assertThat(view.path("resumeFrom").isNull()).isTrue();
  }

  @Test
  void rollbackToAPhaseThePipelineDoesNotHaveGoesToTheDeadLetterTopicNamingTheValidOnes() {
    String executionId = runner.start("chain", Map.of());
    runner.awaitStatus(executionId, "SUCCEEDED");

    runner.send(
        RunnerHarness.command(
            executionId,
            Rollback.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setToPhase("deploy")
                .build()));

    assertThat(runner.awaitDeadLetter(executionId, "'deploy'")).contains("valid phases: [a, b, c]");
  }

  @Test
  void resumeWithoutAPhaseStartsAtTheFirstIncompletePhaseAndFinishesTheChain() throws IOException {
    // given an execution that failed in its middle phase
    String executionId = runner.start("flaky-middle", Map.of());
    runner.awaitEvents(executionId, AttemptFailed.class, 1);
    Path workspace = runner.workspace(executionId);
    JsonNode failedState = state(workspace);
    assertThat(statuses(failedState)).containsExactly("COMPLETED", "FAILED", "PENDING");
    assertThat(failedState.path("resumeFrom").asString()).isEqualTo("fix");

    // when a person resumes it
    HttpResponse<String> response =
        runner.post(
            "/api/v1/executions/" + executionId + "/resume",
            "{\"note\": \"the service is back\", \"requestedBy\": \"bob\"}");

    // then it runs again from "fix" and ends
    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode answer = RunnerHarness.json(response.body());
    assertThat(answer.path("phase").asString()).isEqualTo("fix");
    assertThat(answer.path("attemptNumber").asInt()).isEqualTo(2);
    assertThat(answer.path("clearedPhases").values()).hasSize(2);
    runner.awaitStatus(executionId, "SUCCEEDED");
    assertThat(workspace.resolve("artifacts/publish/published.txt")).hasContent("prepared");
    assertThat(runner.awaitEvent(executionId, RolledBack.class, e -> true).getRequestedBy())
        .isEqualTo("bob");
    // the state says SUCCEEDED once it is stored; its events reach Kafka through the outbox after
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(runner.events(executionId, AttemptSucceeded.class))
                    .extracting(AttemptSucceeded::getPhase)
                    .containsExactly("prepare", "fix", "publish"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(statuses(state(workspace)))
                    .containsExactly("COMPLETED", "COMPLETED", "COMPLETED"));

    // and a resume with nothing left to do, or to a phase that does not exist, is refused
    HttpResponse<String> nothingLeft =
        runner.post("/api/v1/executions/" + executionId + "/resume", "{}");
    assertThat(nothingLeft.statusCode()).isEqualTo(409);
    HttpResponse<String> unknown =
        runner.post("/api/v1/executions/" + executionId + "/resume", "{\"fromPhase\": \"deploy\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(RunnerHarness.json(unknown.body()).path("validPhases").values())
        .extracting(JsonNode::asString)
        .containsExactly("prepare", "fix", "publish");
  }

  @Test
  void resumeWhileAPhaseRunsIsRefused() throws IOException {
    String executionId = runner.start("sleepy", Map.of());
    Path pid = runner.workspace(executionId).resolve("artifacts/wait/pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pid));

    HttpResponse<String> response =
        runner.post("/api/v1/executions/" + executionId + "/resume", "{\"fromPhase\": \"wait\"}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("is running phase wait");
    runner.send(
        RunnerHarness.command(
            executionId,
            Cancel.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setReason("done")
                .build()));
    runner.awaitStatus(executionId, "CANCELLED");
  }

  private static List<String> statuses(JsonNode view) {
    return view.path("phases").values().stream().map(p -> p.path("status").asString()).toList();
  }

  private static JsonNode state(Path workspace) throws IOException {
    return RunnerHarness.json(Files.readString(workspace.resolve(".redrive/state.json")));
  }

  /** The archived file of a rolled-back phase (there is one rollback, so one time folder). */
  private static Path archived(Path workspace, String phase, String file) throws IOException {
    List<Path> stamps = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(workspace.resolve("artifacts/_rolled_back/" + phase))) {
      dirs.forEach(stamps::add);
    }
    assertThat(stamps).hasSize(1);
    return stamps.get(0).resolve(file);
  }
}
