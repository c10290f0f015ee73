package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.cli.RedriveCli;
import dev.redrive.testkit.RedriveInfrastructure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code redrive} command against the three running services (real KRaft broker, real
 * PostgreSQL): every command, every exit code, human output and {@code --json}. The coordinator
 * asks for a token, as it does in production.
 */
class CliIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "cli-it-" + UUID.randomUUID();

  private static RedriveCluster cluster;
  private static Map<String, String> environment;

  @TempDir static Path home;

  /** What one run printed, and its exit code. */
  record Result(int exitCode, String out, String err) {
    JsonNode json() {
      return JSON.readTree(out);
    }
  }

  @BeforeAll
  static void startRedrive() throws Exception {
    RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();
    cluster =
        RedriveCluster.start(
            new RedriveCluster.Settings(
                infrastructure.kafkaBootstrapServers(),
                infrastructure.createDatabase("cli"),
                infrastructure.jdbcUser(),
                infrastructure.jdbcPassword(),
                infrastructure.schemaRegistryUrl(),
                Files.createTempDirectory("redrive-cli"),
                new int[] {0, 0, 0},
                Map.of(
                    "redrive.coordinator.policy.initial-interval", "200ms",
                    "redrive.security.api-token", TOKEN,
                    "redrive.kafka.handler-retry-interval", "100ms")));
    environment = new HashMap<>();
    environment.put(
        "REDRIVE_RUNNER_URL", "http://localhost:" + RedriveCluster.port(cluster.runner()));
    environment.put(
        "REDRIVE_COORDINATOR_URL",
        "http://localhost:" + RedriveCluster.port(cluster.coordinator()));
    environment.put(
        "REDRIVE_AUDIT_URL", "http://localhost:" + RedriveCluster.port(cluster.audit()));
    environment.put("REDRIVE_API_TOKEN", TOKEN);
    environment.put("USER", "cli-it");
  }

  @AfterAll
  static void stopRedrive() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void startsAnExecutionFollowsItAndShowsWhatHappened() {
    // when a demo execution is started and followed to its end
    Result started = redrive("start", "demo", "--input", "who=cli", "--wait");

    // then it failed once, was retried with its context, and succeeded
    assertThat(started.exitCode()).as(started.err()).isZero();
    assertThat(started.out())
        .startsWith("Execution started: exec_")
        .contains("build attempt 1 FAILED COMMAND_FAILED: error: cannot find module 'data'")
        .contains("build attempt 2 SUCCEEDED")
        .contains(" succeeded.");
    String id = executionIdIn(started.out());

    Result status = redrive("status", id);
    assertThat(status.exitCode()).isZero();
    assertThat(status.out())
        .contains(
            "Execution:        " + id, "Pipeline:         demo", "Status:           SUCCEEDED")
        .contains("Failed attempts:  build 1")
        .contains("Attempts:");

    JsonNode execution = redrive("status", id, "--json").json();
    assertThat(execution.path("status").asString()).isEqualTo("SUCCEEDED");
    String secondBuild = attemptId(execution, "build", 2);

    Result inspected = redrive("inspect", secondBuild, "--context");
    assertThat(inspected.exitCode()).isZero();
    assertThat(inspected.out())
        .contains("Phase:       build, attempt 2", "Outcome:     SUCCEEDED")
        .contains("Retry context (attempt 2 of 2 of phase build):")
        .contains("attempt 1  COMMAND_FAILED  exit 3  error: cannot find module 'data'")
        .contains("Guidance:", "This is attempt 2 of 2 for phase 'build'.");
    JsonNode inspectedJson = redrive("inspect", secondBuild, "--context", "--json").json();
    assertThat(
            inspectedJson
                .path("context")
                .path("priorAttempts")
                .get(0)
                .path("failureType")
                .asString())
        .isEqualTo("COMMAND_FAILED");

    // the audit may still be storing the last events: follow the stream to the end first
    Result streamed = redrive("events", "stream", id, "--until-end");
    assertThat(streamed.exitCode()).isZero();
    assertThat(streamed.out()).contains("ExecutionStarted", "AttemptFailed");
    assertThat(streamed.out().strip().lines().reduce((a, b) -> b).orElseThrow())
        .contains("ExecutionSucceeded");

    Result events = redrive("events", "list", id);
    assertThat(events.exitCode()).isZero();
    assertThat(events.out())
        .contains("ExecutionStarted", "AttemptFailed", "RetryScheduled", "ExecutionSucceeded");
    JsonNode eventsJson = redrive("events", "list", id, "--json").json();
    List<String> listed = new ArrayList<>();
    List<String> listedTypes = new ArrayList<>();
    eventsJson.forEach(event -> listed.add(event.path("eventId").asString()));
    eventsJson.forEach(event -> listedTypes.add(event.path("type").asString()));
    assertThat(listedTypes).contains("ExecutionStarted", "RetryScheduled", "ExecutionSucceeded");
    List<JsonNode> streamedJson =
        redrive("events", "stream", id, "--until-end", "--json")
            .out()
            .lines()
            .map(line -> (JsonNode) JSON.readTree(line))
            .toList();
    assertThat(streamedJson).map(e -> e.path("eventId").asString()).isSubsetOf(listed);
    assertThat(streamedJson).map(e -> e.path("type").asString()).contains("ExecutionSucceeded");

    Result report = redrive("report", id);
    assertThat(report.exitCode()).isZero();
    assertThat(report.out()).contains("ERROR REPORT", "COMMAND_FAILED");
    assertThat(redrive("report", id, "--json").json().path("report").asString())
        .contains("ERROR REPORT");

    // and a succeeded execution cannot be retried without --force
    Result refused = redrive("retry", id);
    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "Cannot retry - process is not in failed status.",
                "",
                "Current status: SUCCEEDED",
                "",
                "Retry is only available for failed processes.",
                "Use redrive status " + id + " for more details.",
                ""));
    Result refusedJson = redrive("retry", id, "--json");
    assertThat(refusedJson.exitCode()).isEqualTo(3);
    assertThat(refusedJson.json().path("currentStatus").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void retriesAPausedExecutionInPlaceAndAsANewOne() {
    // given an execution whose phase always fails, paused after its two attempts
    Result started = redrive("start", "always-fails", "--wait", "--json");
    assertThat(started.exitCode()).as(started.err()).isEqualTo(3);
    assertThat(started.json().path("status").asString()).isEqualTo("PAUSED");
    String id = started.json().path("executionId").asString();

    // its two failed attempts compared: same inputs, same failure, no artifacts
    Result diff = redrive("diff", id, "flaky");
    assertThat(diff.exitCode()).as(diff.err()).isZero();
    assertThat(diff.out())
        .contains(
            "Attempt 1: COMMAND_FAILED (exit code 1)",
            "Attempt 2: COMMAND_FAILED (exit code 1)",
            "  message: upstream service unavailable",
            "inputs: unchanged",
            "failure: the same",
            "artifacts: 0 added, 0 removed, 0 changed, 0 unchanged");
    assertThat(redrive("diff", id, "flaky", "1", "3").exitCode()).isEqualTo(4);

    // a retry without the token is refused by the coordinator
    Result unauthorized = redriveWithout("REDRIVE_API_TOKEN", "retry", id);
    assertThat(unauthorized.exitCode()).isEqualTo(1);
    assertThat(unauthorized.err())
        .contains("Unauthorized (set --token, REDRIVE_COORDINATOR_TOKEN, REDRIVE_API_TOKEN");

    // an unknown phase names the valid ones
    Result unknownPhase = redrive("retry", id, "--from", "nosuch");
    assertThat(unknownPhase.exitCode()).isEqualTo(1);
    assertThat(unknownPhase.err()).contains("flaky");

    // a dry run changes nothing
    Result dryRun = redrive("retry", id, "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .contains("Dry run: nothing was changed.", "Phases that would run: flaky");
    assertThat(redrive("status", id, "--json").json().path("status").asString())
        .isEqualTo("PAUSED");

    // when it is retried in place, with the count reset so the retry has room
    String lastError = redrive("status", id, "--json").json().path("lastError").asString();
    Result retried = redrive("retry", id, "--reset-count", "--note", "try again");
    assertThat(retried.exitCode()).as(retried.err()).isZero();
    List<String> retriedLines = retried.out().lines().toList();
    assertThat(retriedLines.get(0)).isEqualTo("Retry started: " + id + " from phase flaky");
    assertThat(retriedLines.get(1))
        .startsWith("Previous error: " + lastError.lines().findFirst().orElseThrow().strip());
    assertThat(retriedLines)
        .contains("Attempt count reset: phase flaky starts again at 1.")
        .endsWith("Monitor progress: redrive status " + id);

    // and as a new execution with the same inputs
    Result resubmitted = redrive("retry", id, "--new", "--force");
    assertThat(resubmitted.exitCode()).as(resubmitted.err()).isZero();
    List<String> lines = resubmitted.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("Retry started: exec_")
        .isNotEqualTo("Retry started: " + id);
    String newId = lines.get(0).substring("Retry started: ".length());
    assertThat(lines)
        .containsExactly(
            "Retry started: " + newId,
            "Original: " + id,
            "Status: queued",
            "",
            "Check status: redrive status " + newId,
            "View events: redrive events list " + newId);

    // then the new execution runs the same pipeline (once the audit has heard of it: a stream
    // of an id without events ends at once, by design)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> redrive("events", "list", newId).exitCode() == 0);
    Result followed = redrive("events", "stream", newId, "--until-end");
    assertThat(followed.exitCode()).isZero();
    assertThat(followed.out()).contains("ExecutionStarted").contains("flaky");
  }

  @Test
  void retriesEveryPausedExecutionThatMatches() {
    // given an execution paused after this moment
    String since = Instant.now().minusSeconds(1).toString();
    Result started = redrive("start", "always-fails", "--wait", "--json");
    assertThat(started.exitCode()).as(started.err()).isEqualTo(3);
    String id = started.json().path("executionId").asString();

    // a dry run names it and changes nothing
    Result dryRun =
        redrive("retry", "--all", "--pipeline", "always-fails", "--since", since, "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .startsWith("Dry run: nothing was changed. Would retry ")
        .contains("  " + id);
    assertThat(redrive("status", id, "--json").json().path("status").asString())
        .isEqualTo("PAUSED");

    // when every matching paused execution is retried
    Result bulk =
        redrive("retry", "--all", "--pipeline", "always-fails", "--since", since, "--json");

    // then this one is among them, and it runs (and, always failing, pauses) again
    assertThat(bulk.exitCode()).as(bulk.err()).isZero();
    assertThat(bulk.json().path("executionIds").toString()).contains(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                redrive("events", "list", id)
                    .out()
                    .lines()
                    .filter(line -> line.contains("InterventionRequired"))
                    .count(),
            count -> count == 2);
  }

  @Test
  void listsPausesCancelsAndResumesAnExecution() {
    // the pipelines, and shell completion
    Result pipelines = redrive("pipelines");
    assertThat(pipelines.exitCode()).as(pipelines.err()).isZero();
    assertThat(pipelines.out()).contains("demo", "always-fails", "review");
    Result completion = redrive("completion");
    assertThat(completion.exitCode()).as(completion.err()).isZero();
    assertThat(completion.out()).contains("complete -F", "redrive");

    // given an execution paused after its two attempts, it is listed
    Result started = redrive("start", "always-fails", "--wait", "--json");
    assertThat(started.exitCode()).as(started.err()).isEqualTo(3);
    String id = started.json().path("executionId").asString();
    Result listed =
        redrive("list", "--pipeline", "always-fails", "--status", "PAUSED", "--all", "-o", "json");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(members(listed.json(), "executionId")).contains(id);
    assertThat(redrive("list", "--pipeline", "no-such-pipeline", "-o", "json").out().strip())
        .isEqualTo("[]");

    // when its retries are paused, a retry waits for the end of the pause
    Result paused = redrive("pause", "--execution", id, "--reason", "waiting for the ledger fix");
    assertThat(paused.exitCode()).as(paused.err()).isZero();
    assertThat(members(redrive("pause", "--list", "-o", "json").json(), "reason"))
        .contains("waiting for the ledger fix");
    assertThat(redrive("retry", id, "--reset-count").exitCode()).isZero();
    JsonNode waiting = redrive("status", id, "--json").json();
    assertThat(waiting.path("status").asString()).isEqualTo("RETRY_SCHEDULED");
    assertThat(waiting.path("retriesPaused")).isNotEmpty();

    // then the retry runs once the pause ends (and, always failing, pauses the execution again)
    Result unpaused = redrive("unpause", "--execution", id);
    assertThat(unpaused.exitCode()).as(unpaused.err()).isZero();
    awaitInterventions(id, 2);

    // a cancelled execution cannot be retried in place, even forced: the refusal says what works
    Result cancelled = redrive("cancel", id, "--reason", "stop for now");
    assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> redrive("status", id, "--json").json().path("status").asString(),
            "CANCELLED"::equals);
    Result forced = redrive("retry", id, "--force");
    assertThat(forced.exitCode()).isEqualTo(3);
    assertThat(forced.err()).contains("was cancelled", "--from PHASE --force");
    assertThat(redrive("status", id, "--json").json().path("status").asString())
        .isEqualTo("CANCELLED");

    // and a resume runs it again from the named phase
    Result resumed = redrive("resume", id, "--from", "flaky");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    awaitInterventions(id, 3);
  }

  @Test
  void changesThePoliciesWithoutARestartAndOverridesOneExecution() throws Exception {
    // given the policies in force, as 'policy show -o json' prints them
    Result shown = redrive("policy", "show", "-o", "json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    long version = shown.json().path("version").asLong();
    Path file = home.resolve("policies.json");
    Path original = home.resolve("original-policies.json");
    Files.writeString(original, JSON.writeValueAsString(shown.json().path("policy")));
    ObjectNode changed = (ObjectNode) shown.json();
    ((ObjectNode) changed.at("/policy/pipelines"))
        .set("always-fails", JSON.readTree("{\"policy\": {\"maxAttempts\": 1}}"));
    Files.writeString(file, JSON.writeValueAsString(changed));
    try {
      // when a person gives always-fails a single attempt (more would meet the repeated-failure
      // stop first: always-fails fails the same way on the same inputs every time)
      Result set = redrive("policy", "set", "--file", file.toString(), "--reason", "one try");
      assertThat(set.exitCode()).as(set.err()).isZero();
      assertThat(set.out())
          .contains(
              "version " + (version + 1) + " in force",
              "pipelines.always-fails.policy.maxAttempts (none) -> 1");

      // then an execution started now pauses after its first failure, and explain says why
      Result started = redrive("start", "always-fails", "--wait", "--json");
      assertThat(started.exitCode()).as(started.err()).isEqualTo(3);
      String id = started.json().path("executionId").asString();
      awaitInterventions(id, 1);
      assertThat(
              redrive("events", "list", id).out().lines().filter(l -> l.contains("AttemptFailed")))
          .hasSize(1);
      Result explained = redrive("explain", id);
      assertThat(explained.exitCode()).as(explained.err()).isZero();
      assertThat(explained.out())
          .contains("Last decision: INTERVENE (ATTEMPTS_EXHAUSTED)")
          .contains("pipeline always-fails: maxAttempts")
          .contains("(version " + (version + 1) + ")");
      assertThat(redrive("policy", "history", "--limit", "1").out()).contains("one try", "cli-it");

      // and an override of that execution is shown per phase, with where each field came from
      Result override =
          redrive("policy", "override", id, "--max-attempts", "5", "--reason", "one more go");
      assertThat(override.exitCode()).as(override.err()).isZero();
      Result forExecution = redrive("policy", "show", "--execution", id, "-o", "json");
      assertThat(forExecution.json().at("/phases/0/policy/maxAttempts").asInt()).isEqualTo(5);
      assertThat(forExecution.json().at("/phases/0/origins/maxAttempts").asString())
          .isEqualTo("execution");
      assertThat(redrive("policy", "clear", id, "--reason", "done").exitCode()).isZero();
    } finally {
      redrive("policy", "set", "--file", original.toString(), "--reason", "CliIT restores");
    }
  }

  /** The member {@code name} of each element of an array. */
  private static List<String> members(JsonNode array, String name) {
    List<String> values = new ArrayList<>();
    array.forEach(element -> values.add(element.path(name).asString()));
    return values;
  }

  private static void awaitInterventions(String id, int count) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                redrive("events", "list", id)
                    .out()
                    .lines()
                    .filter(line -> line.contains("InterventionRequired"))
                    .count(),
            n -> n == count);
  }

  @Test
  void answersFourForWhatDoesNotExist() {
    assertThat(redrive("status", "exec_nope").exitCode()).isEqualTo(4);
    assertThat(redrive("status", "exec_nope").err()).startsWith("Not found: ");
    assertThat(redrive("status", "exec_nope", "--json").json().path("status").asInt())
        .isEqualTo(404);
    assertThat(redrive("inspect", "att_nope").exitCode()).isEqualTo(4);
    assertThat(redrive("retry", "exec_nope").exitCode()).isEqualTo(4);
    assertThat(redrive("retry", "exec_nope", "--new").exitCode()).isEqualTo(4);
    assertThat(redrive("report", "exec_nope").exitCode()).isEqualTo(4);
    assertThat(redrive("start", "no-such-pipeline").exitCode()).isEqualTo(1);
    assertThat(redrive("start", "no-such-pipeline").err()).contains("demo");
  }

  @Test
  void answersFiveWhenAServiceIsNotThereAndTwoForABadCommandLine() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Result unreachable =
        redrive("status", "exec_1", "--coordinator-url", "http://127.0.0.1:" + closedPort);
    assertThat(unreachable.exitCode()).isEqualTo(5);
    assertThat(unreachable.err()).contains("Cannot reach the retry-coordinator");

    assertThat(redrive("retry").exitCode()).isEqualTo(2);
    assertThat(redrive("retry", "exec_1", "--no-such-flag").exitCode()).isEqualTo(2);
    assertThat(redrive("status", "--help").exitCode()).isZero();
  }

  @Test
  void startsWithInputFilesInTheWorkspace() throws Exception {
    Path file = Files.writeString(home.resolve("order.json"), "{\"id\": 42}\n");

    Result started = redrive("start", "demo", "--file", file.toString(), "--input", "who=files");

    assertThat(started.exitCode()).as(started.err()).isZero();
    String id = executionIdIn(started.out());
    HttpResponse<String> view =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            environment.get("REDRIVE_RUNNER_URL")
                                + "/api/v1/executions/"
                                + id
                                + "/phases"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Path workspace =
        Path.of(JSON.readTree(view.body()).path("execution").path("workspace").asString());
    assertThat(workspace.resolve("input/order.json")).hasContent("{\"id\": 42}");
  }

  @Test
  void launcherScriptRunsThePackagedJar() throws Exception {
    // given the jar built by services/cli and the script beside it
    Path script = Path.of("../cli/redrive").toAbsolutePath().normalize();
    assertThat(script.resolveSibling("target/redrive-cli.jar"))
        .as("services/cli must be packaged before this test (./mvnw -pl services/cli package)")
        .isRegularFile();
    String id = executionIdIn(redrive("start", "demo").out());

    // when
    ProcessBuilder builder =
        new ProcessBuilder("sh", script.toString(), "events", "list", id, "--json");
    builder.environment().putAll(environment);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    // then
    assertThat(process.exitValue()).as(err).isZero();
    assertThat(JSON.readTree(out).isArray()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------

  private static Result redrive(String... args) {
    return run(environment, args);
  }

  private static Result redriveWithout(String variable, String... args) {
    Map<String, String> less = new HashMap<>(environment);
    less.remove(variable);
    return run(less, args);
  }

  private static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        RedriveCli.run(new PrintWriter(out, true), new PrintWriter(err, true), env, home, args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private static String executionIdIn(String output) {
    int start = output.indexOf("exec_");
    int end = start;
    while (end < output.length()
        && (Character.isLetterOrDigit(output.charAt(end)) || output.charAt(end) == '_')) {
      end++;
    }
    assertThat(start).as("an execution id in: " + output).isNotNegative();
    return output.substring(start, end);
  }

  private static String attemptId(JsonNode execution, String phase, int number) {
    List<String> ids = new ArrayList<>();
    for (JsonNode attempt : execution.path("attempts")) {
      if (phase.equals(attempt.path("phase").asString())
          && attempt.path("attemptNumber").asInt() == number) {
        ids.add(attempt.path("attemptId").asString());
      }
    }
    assertThat(ids).hasSize(1);
    return ids.get(0);
  }
}
