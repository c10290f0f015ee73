package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptStarted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The shared bearer-token check on the phase-runner, with a read token and a named user, on a real
 * broker and PostgreSQL. Before it, a resume without a token ran a paused execution's phase past
 * the coordinator's attempt bound ("attempt 3 of 2").
 */
class RunnerSecurityIT {

  private static final String READ = "runner-read-token";
  private static final String ALICE = "runner-alice-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RunnerHarness runner;

  @BeforeAll
  static void startRunner() {
    runner =
        RunnerHarness.start(
            "runner_security_it",
            "security-it",
            1,
            Map.of(
                "redrive.security.read-token", READ,
                "redrive.security.users.alice", ALICE));
  }

  @AfterAll
  static void stopRunner() {
    runner.close();
  }

  @Test
  void shouldRefuseEveryChangeWithoutTheWriteTokenAndRunNothing() {
    // given an execution that ran its three phases
    String id = runner.start("chain", Map.of());
    runner.awaitStatus(id, "SUCCEEDED");
    runner.awaitEvents(id, AttemptStarted.class, 3);
    int executionsBefore = executions();

    for (var change :
        List.of(
            Map.entry("/api/v1/executions", "{\"pipeline\": \"chain\"}"),
            Map.entry("/api/v1/executions/" + id + "/resume", "{\"fromPhase\": \"a\"}"),
            Map.entry("/api/v1/executions/" + id + "/cancel", "{}"))) {
      // when it is asked for without a token, with a wrong one, or with the read token
      HttpResponse<String> none = send("POST", change.getKey(), null, change.getValue());
      HttpResponse<String> wrong = send("POST", change.getKey(), "Bearer wrong", change.getValue());
      HttpResponse<String> readOnly =
          send("POST", change.getKey(), "Bearer " + READ, change.getValue());

      // then each answer says what is missing
      assertThat(none.statusCode()).as(change.getKey()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(none.body()).contains("redrive.security.api-token");
      assertThat(wrong.statusCode()).as(change.getKey()).isEqualTo(401);
      assertThat(readOnly.statusCode()).as(change.getKey()).isEqualTo(403);
      assertThat(readOnly.body()).contains("read token cannot change anything");
    }

    // and nothing started, ran again or was cancelled
    assertThat(executions()).isEqualTo(executionsBefore);
    assertThat(runner.events(id, AttemptStarted.class)).hasSize(3);
    runner.awaitStatus(id, "SUCCEEDED");
  }

  @Test
  void shouldTakeRequestedByFromANamedTokenWhateverTheBodySays() {
    // when alice starts an execution, with the scheme in lower case
    HttpResponse<String> started =
        send("POST", "/api/v1/executions", "bearer " + ALICE, "{\"pipeline\": \"chain\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String id = RunnerHarness.json(started.body()).path("executionId").asString();
    runner.awaitStatus(id, "SUCCEEDED");

    // and resumes it, with a body that names somebody else
    HttpResponse<String> resumed =
        send(
            "POST",
            "/api/v1/executions/" + id + "/resume",
            "Bearer " + ALICE,
            "{\"fromPhase\": \"c\", \"requestedBy\": \"mallory\"}");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);

    // then both are recorded as hers
    assertThat(
            jdbc()
                .sql("SELECT requested_by FROM execution WHERE execution_id = ?")
                .param(id)
                .query(String.class)
                .single())
        .isEqualTo("alice");
    assertThat(
            jdbc()
                .sql("SELECT requested_by FROM rollback WHERE execution_id = ?")
                .param(id)
                .query(String.class)
                .list())
        .containsExactly("alice");
  }

  @Test
  void shouldNeedATokenForReadsOnceAReadTokenIsSetButLeaveHealthAndPrometheusOpen() {
    assertThat(send("GET", "/api/v1/pipelines", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/v1/pipelines", "Bearer wrong", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/v1/pipelines", "Bearer " + READ, null).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/api/v1/pipelines", "Bearer " + RunnerHarness.TOKEN, null).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/actuator/prometheus", null, null).statusCode()).isEqualTo(200);
  }

  private static int executions() {
    return jdbc().sql("SELECT count(*) FROM execution").query(Integer.class).single();
  }

  private static JdbcClient jdbc() {
    return runner.context().getBean(JdbcClient.class);
  }

  private static HttpResponse<String> send(
      String method, String path, String authorization, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
