package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Case 7: the real phase-runner is killed (SIGKILL, with the phases it runs) while every execution
 * has a phase running. Started again, it must report those attempts as INTERRUPTED, and the
 * coordinator must retry each exactly once; the retries (which are quick) succeed.
 */
class RunnerKillIT extends FaultCase {

  static final int RUNS = Integer.getInteger("faults.runner.executions", 20);

  @Test
  void shouldReportRunningPhasesAsInterruptedAndRetryThemAfterTheRunnerIsKilled() throws Exception {
    long start = System.nanoTime();
    try (Stack stack = new Stack("7-runner-kill")) {
      Path pipelines = Files.createDirectories(stack.dir.resolve("pipelines"));
      Files.writeString(
          pipelines.resolve("slow.yaml"),
          """
          # the first attempt of 'slow' runs long enough to be killed; a retry is quick
          name: slow
          phases:
            - name: slow
              command:
                argv: [sh, -c, "if [ \\"${REDRIVE_ATTEMPT:-1}\\" = 1 ]; then sleep 120; fi; echo done"]
                timeout: 5m
          """);
      String coordinatorDb = Postgres.createDatabase("coordinator");
      String auditDb = Postgres.createDatabase("audit");
      String runnerDb = Postgres.createDatabase("runner");
      ServiceProcess coordinator =
          stack.coordinator(
              "coordinator", Postgres.jdbcUrl(Postgres.port(), coordinatorDb), Map.of());
      ServiceProcess audit = stack.audit(Postgres.jdbcUrl(Postgres.port(), auditDb));
      ServiceProcess runner =
          stack.runner(
              Postgres.jdbcUrl(Postgres.port(), runnerDb),
              Map.of(
                  "redrive.runner.pipelines",
                  "file:" + pipelines + "/",
                  "redrive.runner.workspace-root",
                  stack.dir.resolve("workspaces").toString(),
                  "redrive.runner.workers",
                  String.valueOf(RUNS),
                  "redrive.runner.instance-id",
                  "fault-runner"));
      Stack.startAll(coordinator, audit, runner);
      CommandLog log = stack.commands();

      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < RUNS; i++) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + runner.port() + "/api/v1/executions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"pipeline\":\"slow\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      }
      String running =
          "SELECT count(*) FROM runner.phase_attempt WHERE status = 'RUNNING'"
              + " AND attempt_number = 1";
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> StreamCheck.count(runnerDb, running) == RUNS);

      long killedAt = System.nanoTime();
      runner.kill();
      runner.start();
      String succeeded = "SELECT count(*) FROM coordinator.execution WHERE status = 'SUCCEEDED'";
      try {
        Awaitility.await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> StreamCheck.count(coordinatorDb, succeeded) == RUNS);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // reported below
      }
      double recovery = (System.nanoTime() - killedAt) / 1e9;
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  StreamCheck.count(coordinatorDb, "SELECT count(*) FROM coordinator.outbox") == 0);
      ServiceProcess.sleep(3000);

      List<CommandLog.Seen> commands = log.seen();
      Map<String, Integer> perExecution = new HashMap<>();
      commands.forEach(c -> perExecution.merge(c.executionId(), 1, Integer::sum));
      int duplicates = perExecution.values().stream().mapToInt(n -> n - 1).filter(n -> n > 0).sum();
      long interrupted =
          StreamCheck.count(
              coordinatorDb,
              "SELECT count(*) FROM coordinator.attempt WHERE outcome = 'FAILED'"
                  + " AND failure_type = 'INTERRUPTED'");
      long done = StreamCheck.count(coordinatorDb, succeeded);
      long auditedInterrupted =
          StreamCheck.count(
              auditDb,
              "SELECT count(*) FROM audit.audit_event WHERE event_type = 'AttemptFailed'"
                  + " AND failure_type = 'INTERRUPTED'");
      long auditedCommands =
          StreamCheck.count(
              auditDb, "SELECT count(*) FROM audit.audit_event WHERE event_type = 'RetryCommand'");
      int lost = (int) (RUNS - perExecution.size());
      StreamCheck check =
          new StreamCheck(
              RUNS,
              commands.size(),
              duplicates,
              Math.max(0, lost),
              0,
              (int) Math.abs(RUNS - interrupted),
              (int)
                  (Math.abs(RUNS - auditedInterrupted)
                      + Math.abs(perExecution.size() - auditedCommands)),
              List.of());
      Figures.record(
          "7 phase-runner killed",
          RUNS,
          RUNS,
          check,
          String.format(Locale.ROOT, "%.1f s (kill to all executions SUCCEEDED)", recovery),
          (System.nanoTime() - start) / 1e9,
          String.format(
              Locale.ROOT,
              "%d executions with a phase running, runner SIGKILLed with its phases; %d INTERRUPTED"
                  + " attempts, %d retries, %d executions SUCCEEDED",
              RUNS,
              interrupted,
              commands.size(),
              done),
          interrupted == RUNS
              && perExecution.size() == RUNS
              && duplicates == 0
              && done == RUNS
              && auditedInterrupted == RUNS
              && auditedCommands == RUNS);

      assertThat(interrupted).as("attempts reported INTERRUPTED").isEqualTo(RUNS);
      assertThat(perExecution).as("executions retried").hasSize(RUNS);
      assertThat(duplicates).as("retry commands sent twice").isZero();
      assertThat(done).as("executions that succeeded on the retry").isEqualTo(RUNS);
      assertThat(auditedInterrupted).as("INTERRUPTED failures in the audit").isEqualTo(RUNS);
      assertThat(auditedCommands).as("retry commands in the audit").isEqualTo(RUNS);
    }
  }
}
