package dev.redrive.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Case 9: phases that try to escape, on the real phase-runner (its own JVM, default sandbox setting
 * {@code auto}). Each reads the runner's environment and command line through /proc, lists the
 * workspaces root, reads the previous execution's parameters, writes {@code ../escaped.txt}, and
 * leaves processes behind with setsid, a double fork and nohup; half of them then end at once, half
 * run into their timeout. None may see a secret or another workspace, write outside its own, or
 * leave a process running.
 */
class EscapingPhaseIT extends FaultCase {

  static final int RUNS = Integer.getInteger("faults.escape.executions", 8);

  /** In the environment of this JVM (module pom), so of the runner JVM it starts. */
  static final String SECRET_VARIABLE = "REDRIVE_FAULTS_RUNNER_SECRET";

  @Test
  void shouldLetAnEscapingPhaseSeeNothingWriteNothingOutsideAndLeaveNothingRunning()
      throws Exception {
    long start = System.nanoTime();
    String secret = System.getenv(SECRET_VARIABLE);
    assertThat(secret).as("the runner's secret marker (module pom)").isNotBlank();
    try (Stack stack = new Stack("9-escaping-phase")) {
      Path pipelines = Files.createDirectories(stack.dir.resolve("pipelines"));
      Path workspaces = stack.dir.resolve("workspaces").toAbsolutePath();
      Files.writeString(pipelines.resolve("escape.yaml"), PIPELINE);
      String runnerDb = Postgres.createDatabase("runner");
      ServiceProcess runner =
          stack.runner(
              Postgres.jdbcUrl(Postgres.port(), runnerDb),
              Map.of(
                  "redrive.runner.pipelines",
                  "file:" + pipelines + "/",
                  "redrive.runner.workspace-root",
                  workspaces.toString(),
                  "redrive.runner.workers",
                  "4",
                  "redrive.runner.instance-id",
                  "escape-runner"));
      Stack.startAll(runner);

      // each execution is told the previous one's id and carries a secret of its own
      HttpClient http = HttpClient.newHttpClient();
      List<String> ids = new ArrayList<>();
      List<String> parameterSecrets = new ArrayList<>();
      String tag = "escape-" + UUID.randomUUID();
      for (int i = 0; i < RUNS; i++) {
        String own = "param-secret-" + UUID.randomUUID();
        parameterSecrets.add(own);
        String body =
            """
            {"pipeline": "escape", "parameters": {"secret": "%s", "other": "%s", "tag": "%s",
             "mode": "%s"}}"""
                .formatted(
                    own,
                    ids.isEmpty() ? "none" : ids.get(ids.size() - 1),
                    tag,
                    i % 2 == 0 ? "exit" : "hang");
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + runner.port() + "/api/v1/executions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        ids.add(RunnerJson.executionId(response.body()));
      }
      String finished =
          "SELECT count(*) FROM runner.phase_attempt WHERE status IN ('SUCCEEDED', 'FAILED')";
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> StreamCheck.count(runnerDb, finished) == RUNS);
      long endedAt = System.nanoTime();
      // the runner has killed what each phase left behind by the time it records the attempt
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> processesWith(tag) == 0);
      double cleanup = (System.nanoTime() - endedAt) / 1e9;

      int secretsSeen = 0;
      int otherWorkspacesSeen = 0;
      for (int i = 0; i < RUNS; i++) {
        String seen =
            Files.readString(workspaces.resolve(ids.get(i)).resolve("artifacts/escape/seen.txt"));
        for (String line : seen.lines().toList()) {
          if (line.contains(secret)
              || line.contains(SECRET_VARIABLE)
              || line.contains("spring.datasource.password")
              || line.contains("PhaseRunnerApplication")) {
            secretsSeen++;
          }
          for (int j = 0; j < RUNS; j++) {
            if (j != i && (line.contains(parameterSecrets.get(j)) || line.equals(ids.get(j)))) {
              otherWorkspacesSeen++;
            }
          }
        }
      }
      List<Path> outside;
      try (Stream<Path> files = Files.list(workspaces)) {
        outside = files.filter(p -> !ids.contains(p.getFileName().toString())).toList();
      }
      long succeeded =
          StreamCheck.count(
              runnerDb, "SELECT count(*) FROM runner.phase_attempt WHERE status = 'SUCCEEDED'");
      long timedOut = RUNS - succeeded;
      long left = processesWith(tag);
      boolean pass =
          secretsSeen == 0
              && otherWorkspacesSeen == 0
              && outside.isEmpty()
              && left == 0
              && succeeded == (RUNS + 1) / 2;
      Figures.record(
          "9 escaping phases",
          RUNS,
          RUNS,
          new StreamCheck(RUNS, 0, 0, 0, 0, 0, 0, List.of()),
          String.format(Locale.ROOT, "%.1f s (attempt recorded to no process left)", cleanup),
          (System.nanoTime() - start) / 1e9,
          String.format(
              Locale.ROOT,
              "%d phases (%d ended at once, %d timed out), each with 3 escaped processes; secret"
                  + " lines seen %d, other workspaces seen %d, files outside %d, processes left %d",
              RUNS,
              succeeded,
              timedOut,
              secretsSeen,
              otherWorkspacesSeen,
              outside.size(),
              left),
          pass);

      assertThat(secretsSeen).as("lines with a secret of the runner").isZero();
      assertThat(otherWorkspacesSeen).as("lines from another execution's workspace").isZero();
      assertThat(outside).as("files written outside the workspaces").isEmpty();
      assertThat(left).as("processes left running").isZero();
      assertThat(succeeded).as("phases that ended at once").isEqualTo((RUNS + 1) / 2);
    }
  }

  /** Live processes of this machine whose command line contains the text. */
  private static long processesWith(String text) {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> cmdline(p).contains(text))
          .count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
  }

  private static String cmdline(Path process) {
    try {
      return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Reads the execution id out of the start answer without a JSON library. */
  private static final class RunnerJson {
    static String executionId(String body) {
      Matcher matcher = Pattern.compile("\"executionId\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
      if (!matcher.find()) {
        throw new AssertionError("no executionId in " + body);
      }
      return matcher.group(1);
    }
  }

  private static final String PIPELINE =
      """
      # tries every way out it can think of; "exit" ends at once, "hang" runs into the timeout
      name: escape
      phases:
        - name: escape
          inputs: [mode, other, tag, secret]
          command:
            argv:
              - sh
              - -c
              - |
                {
                  tr '\\0' '\\n' < /proc/1/environ; echo
                  tr '\\0' '\\n' < /proc/$PPID/environ; echo
                  for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done
                  ls -a "$(dirname "$REDRIVE_WORKSPACE")"
                  cat "$(dirname "$REDRIVE_WORKSPACE")/$REDRIVE_INPUT_OTHER/input/parameters.properties"
                  echo escaped > ../escaped.txt
                  echo escaped > "$(dirname "$REDRIVE_WORKSPACE")/escaped-abs.txt"
                } > artifacts/escape/seen.txt 2>&1
                setsid sh -c "sleep 1000; : $REDRIVE_INPUT_TAG setsid" > /dev/null 2>&1 &
                ( (sh -c "sleep 1000; : $REDRIVE_INPUT_TAG double-fork" > /dev/null 2>&1 &) & )
                nohup sh -c "sleep 1000; : $REDRIVE_INPUT_TAG nohup" > /dev/null 2>&1 &
                if [ "$REDRIVE_INPUT_MODE" = hang ]; then sleep 1000; fi
                exit 0
            timeout: 3s
          retry-policy:
            max-attempts: 1
      """;
}
