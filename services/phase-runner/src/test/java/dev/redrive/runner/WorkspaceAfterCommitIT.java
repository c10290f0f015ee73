package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.ExecutionSucceeded;
import dev.redrive.runner.app.WorkspaceSteps;
import dev.redrive.testkit.RedriveInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No workspace change inside a transaction that can still roll back: a decision whose transaction
 * fails leaves the workspace as it was, and the file changes of a committed decision that the
 * runner could not carry out (it died, or the change failed) are carried out at the next start.
 */
class WorkspaceAfterCommitIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void aResumeWhoseTransactionFailsLeavesTheWorkspaceAsItWas() throws IOException {
    // given a finished execution whose first phase's artifact was spoiled (a resume restores it)
    RunnerHarness runner = RunnerHarness.shared();
    String executionId = runner.start("chain", Map.of());
    runner.awaitStatus(executionId, "SUCCEEDED");
    Path workspace = runner.workspace(executionId);
    Files.writeString(workspace.resolve("artifacts/a/a.txt"), "spoiled\n");
    Map<String, String> before = files(workspace);

    // when a resume to phase b fails at the last statement of its transaction
    String trigger = "fail_rollback_" + UUID.randomUUID().toString().substring(0, 8);
    sql(
        runner.jdbcUrl(),
        """
        CREATE TRIGGER %s BEFORE INSERT ON runner.rollback FOR EACH ROW
        WHEN (NEW.execution_id = '%s') EXECUTE FUNCTION runner.fail_for_test()"""
            .formatted(trigger, executionId));
    HttpResponse<String> refused;
    try {
      refused =
          runner.post("/api/v1/executions/" + executionId + "/resume", "{\"fromPhase\":\"b\"}");
    } finally {
      sql(runner.jdbcUrl(), "DROP TRIGGER %s ON runner.rollback".formatted(trigger));
    }

    // then nothing was archived, restored or written, and nothing is left to do
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(files(workspace)).isEqualTo(before);
    assertThat(runner.context().getBean(WorkspaceSteps.class).pending(executionId)).isEmpty();

    // and the same resume, once it commits, does it all
    HttpResponse<String> resumed =
        runner.post("/api/v1/executions/" + executionId + "/resume", "{\"fromPhase\":\"b\"}");
    assertThat(resumed.statusCode()).isEqualTo(202);
    runner.awaitEvents(executionId, ExecutionSucceeded.class, 2);
    assertThat(workspace.resolve("artifacts/a/a.txt")).hasContent("from-a");
    assertThat(workspace.resolve("artifacts/_rolled_back/b")).isDirectory();
  }

  @Test
  void aFailuresArchiveThatCouldNotBeWrittenAfterTheCommitIsWrittenAtTheNextStart()
      throws IOException {
    // given a runner whose phase fails (a 2 s timeout) while its error report cannot be written (a
    // folder, which the phase's write check does not see, is where the file goes)
    RunnerHarness first =
        RunnerHarness.start("runner_after_commit", "after-commit-it", 1, Map.of());
    String jdbcUrl = first.jdbcUrl();
    Path workspaces = first.workspaces();
    String executionId;
    Path workspace;
    AttemptFailed failed;
    try {
      executionId = first.start("misbehave", Map.of("mode", "slow"));
      workspace = first.workspace(executionId);
      Files.createDirectory(workspace.resolve("error.log"));

      // when the failure is committed and its archive step fails after the commit
      failed = first.awaitEvents(executionId, AttemptFailed.class, 1).get(0);
      first.awaitStatus(executionId, "HALTED");
      assertThat(first.context().getBean(WorkspaceSteps.class).pending(executionId)).hasSize(1);
      assertThat(workspace.resolve("error.log")).isEmptyDirectory();
    } finally {
      first.close();
    }

    // then, once the obstacle is gone, the next start writes the archive and the report
    Files.delete(workspace.resolve("error.log"));
    try (RunnerHarness second =
        RunnerHarness.start(jdbcUrl, workspaces, "after-commit-it", 1, Map.of())) {
      WorkspaceSteps steps = second.context().getBean(WorkspaceSteps.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> steps.pending(executionId).isEmpty());
      String report = failed.getErrorReport().strip();
      assertThat(workspace.resolve("error.log")).hasContent(report);
      assertThat(workspace.resolve("artifacts/_failed/work/attempt-1/error.log"))
          .hasContent(report);
      second.awaitStatus(executionId, "HALTED");
    }
  }

  /** Every file of the workspace but the state file, with its content. */
  private static Map<String, String> files(Path workspace) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(workspace)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String relative = workspace.relativize(file).toString();
        if (!relative.startsWith(".redrive/state.json")) {
          files.put(relative, Files.readString(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Runs statements on the runner's database, with the function the test triggers call. */
  private static void sql(String jdbcUrl, String statement) {
    try (Connection connection =
            DriverManager.getConnection(
                jdbcUrl, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
        Statement sql = connection.createStatement()) {
      sql.execute(
          """
          CREATE OR REPLACE FUNCTION runner.fail_for_test() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'failure injected by a test'; END $$""");
      sql.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
