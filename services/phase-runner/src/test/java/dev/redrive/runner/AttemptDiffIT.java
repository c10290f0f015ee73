package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A phase that fails twice, leaving different files each time, on the running service: the
 * AttemptFailed events carry equal inputs digests and different artifacts digests, each attempt
 * keeps a manifest beside its archive, and the diff endpoint compares the two.
 */
class AttemptDiffIT {

  private static final RunnerHarness runner = RunnerHarness.shared();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SECRET = "s3cret-mode-value";

  private static String executionId;
  private static List<AttemptFailed> failures;

  @BeforeAll
  static void failTwice() {
    // given an execution whose phase "build" failed once
    executionId = runner.start("diffy", Map.of("mode", SECRET));
    runner.awaitEvent(executionId, AttemptFailed.class, f -> f.getPhase().equals("build"));
    // when it is retried and fails again
    runner.send(
        RunnerHarness.retryCommand(
            executionId, "build", 2, 3, UUID.randomUUID().toString(), "try again"));
    failures =
        runner.awaitEvents(executionId, AttemptFailed.class, 2).stream()
            .filter(f -> f.getPhase().equals("build"))
            .toList();
  }

  @Test
  void shouldReportEqualInputsAndDifferentArtifactsDigests() {
    assertThat(failures).hasSize(2);
    AttemptFailed first = failures.get(0);
    AttemptFailed second = failures.get(1);
    assertThat(first.getInputsDigest()).matches("[0-9a-f]{64}");
    assertThat(second.getInputsDigest()).isEqualTo(first.getInputsDigest());
    assertThat(first.getArtifactsDigest()).matches("[0-9a-f]{64}");
    assertThat(second.getArtifactsDigest()).isNotEqualTo(first.getArtifactsDigest());
  }

  @Test
  void shouldKeepAManifestBesideEachArchiveWithoutTheParametersValue() throws IOException {
    Path workspace = runner.workspace(executionId);
    Path manifest = workspace.resolve("artifacts/_failed/build/attempt-2.manifest.json");
    assertThat(manifest).exists();
    String text = Files.readString(manifest);
    assertThat(text).doesNotContain(SECRET);
    JsonNode json = RunnerHarness.json(text);
    assertThat(json.path("attemptNumber").asInt()).isEqualTo(2);
    assertThat(json.path("parameters").path("mode").asString()).matches("[0-9a-f]{64}");
    assertThat(json.path("inputs").has("artifacts/prepare/data.txt")).isTrue();
    assertThat(json.path("artifacts").has("run-2.txt")).isTrue();
    assertThat(json.path("artifactsDigest").asString())
        .isEqualTo(failures.get(1).getArtifactsDigest());
  }

  @Test
  void shouldCompareTheLastTwoFailedAttempts() {
    HttpResponse<String> answer = get(diffPath(""), RunnerHarness.TOKEN);

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode diff = RunnerHarness.json(answer.body());
    assertThat(diff.path("a").path("number").asInt()).isEqualTo(1);
    assertThat(diff.path("b").path("number").asInt()).isEqualTo(2);
    assertThat(diff.path("b").path("message").asString()).isEqualTo("broke on run 2");
    assertThat(diff.path("inputs").path("changed").asBoolean()).isFalse();
    assertThat(diff.path("failure").path("differs").toString()).contains("message");
    assertThat(diff.path("artifacts").path("added").toString()).contains("run-2.txt");
    JsonNode report = diff.path("artifacts").path("changedFiles").get(0);
    assertThat(report.path("path").asString()).isEqualTo("report.txt");
    assertThat(report.path("kind").asString()).isEqualTo("text");
    assertThat(report.path("diff").toString()).contains("-run 1 in", "+run 2 in");
    assertThat(
            runner
                .context()
                .getBean(MeterRegistry.class)
                .counter("redrive.runner.diffs", "outcome", "compared")
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldRefuseNumbersItCannotCompareNamingTheParameter() {
    HttpResponse<String> zero = get(diffPath("?a=0&b=2"), RunnerHarness.TOKEN);
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(zero.body()).contains("a: must be an attempt number from 1 to 10000");

    HttpResponse<String> tooBig = get(diffPath("?a=1&b=1234567"), RunnerHarness.TOKEN);
    assertThat(tooBig.statusCode()).isEqualTo(400);
    assertThat(tooBig.body()).contains("b: must be an attempt number");

    HttpResponse<String> same = get(diffPath("?a=2&b=2"), RunnerHarness.TOKEN);
    assertThat(same.statusCode()).isEqualTo(400);
    assertThat(same.body()).contains("a and b are both 2");
  }

  @Test
  void shouldAnswer404WithWhatExists() {
    HttpResponse<String> attempt = get(diffPath("?a=1&b=7"), RunnerHarness.TOKEN);
    assertThat(attempt.statusCode()).isEqualTo(404);
    assertThat(attempt.body()).contains("no failed attempt 7", "[1, 2]");

    HttpResponse<String> phase =
        get("/api/v1/executions/" + executionId + "/phases/nope/diff", RunnerHarness.TOKEN);
    assertThat(phase.statusCode()).isEqualTo(404);
    assertThat(phase.body()).contains("no phase 'nope'", "prepare, build");

    HttpResponse<String> execution =
        get("/api/v1/executions/exec_unknown/phases/build/diff", RunnerHarness.TOKEN);
    assertThat(execution.statusCode()).isEqualTo(404);
  }

  private static String diffPath(String query) {
    return "/api/v1/executions/" + executionId + "/phases/build/diff" + query;
  }

  private static HttpResponse<String> get(String path, String token) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runner.baseUrl() + path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
