package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.RetryScheduled;
import dev.redrive.avro.Retryability;
import dev.redrive.support.topic.RedriveTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared bearer-token check on the coordinator, with a read token and a named user, on a real
 * broker and PostgreSQL.
 */
class CoordinatorSecurityIT {

  private static final String READ = "coordinator-read-token";
  private static final String ALICE = "alice-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.security.read-token=" + READ, "redrive.security.users.alice=" + ALICE);
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
    coordinator.close();
  }

  @Test
  void shouldRefuseARetryWithoutTheWriteTokenAndAcceptTheSchemeInLowerCase() throws Exception {
    // given a paused execution
    String id = paused();
    String path = "/api/v1/executions/" + id + "/retry";

    // when it is asked for without a token, with a wrong one, or with the read token
    HttpResponse<String> none = send("POST", path, null);
    HttpResponse<String> wrong = send("POST", path, "Bearer wrong");
    HttpResponse<String> readOnly = send("POST", path, "Bearer " + READ);

    // then nothing happens and the answers say what is missing
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(none.body()).contains("redrive.security.api-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(readOnly.statusCode()).isEqualTo(403);
    assertThat(readOnly.body()).contains("read token cannot change anything");
    assertThat(status(id)).isEqualTo("PAUSED");
    assertThat(refused("missing")).isGreaterThanOrEqualTo(1);
    assertThat(refused("read-only")).isGreaterThanOrEqualTo(1);

    // when it comes with the write token and a lowercase scheme
    HttpResponse<String> lower =
        send("POST", path, "bearer " + CoordinatorUnderTest.TOKEN, "{\"requestedBy\": \"bob\"}");

    // then it is scheduled, for the person the body names (the shared token names nobody)
    assertThat(lower.statusCode()).as(lower.body()).isEqualTo(202);
    assertThat(scheduled(id).getRequestedBy()).isEqualTo("bob");
  }

  @Test
  void shouldTakeRequestedByFromANamedTokenWhateverTheBodySays() throws Exception {
    String id = paused();

    HttpResponse<String> answer =
        send(
            "POST",
            "/api/v1/executions/" + id + "/retry",
            "Bearer " + ALICE,
            "{\"requestedBy\": \"mallory\"}");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    assertThat(scheduled(id).getRequestedBy()).isEqualTo("alice");
  }

  @Test
  void shouldNeedATokenForReadsOnceAReadTokenIsSetButLeaveHealthAndPrometheusOpen()
      throws Exception {
    String path = "/api/v1/executions/no-such-execution/status";

    assertThat(send("GET", path, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", path, "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/v1/executions/x/explain", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", path, "Bearer " + READ).statusCode()).isEqualTo(404);
    assertThat(send("GET", path, "Bearer " + CoordinatorUnderTest.TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", "/actuator/metrics", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldSendTheSecurityHeadersOnEveryAnswerRefusalsIncluded() throws Exception {
    for (HttpResponse<String> answer :
        java.util.List.of(
            send("GET", "/actuator/health", null), send("POST", "/api/v1/retries", null, "{}"))) {
      assertThat(answer.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(
              csp -> assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'"));
      assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }
  }

  private static String paused() throws Exception {
    String id = "exec-" + UUID.randomUUID();
    kafka.send(
        RedriveTopics.ATTEMPTS.name(),
        id,
        TestEvents.failure(id, "billing", "payments", "charge", 1, Retryability.HARD));
    await().atMost(Duration.ofSeconds(30)).until(() -> "PAUSED".equals(status(id)));
    return id;
  }

  private static RetryScheduled scheduled(String id) {
    return kafka.read(RedriveTopics.DECISIONS.name(), id, 3).stream()
        .map(d -> ((DecisionEvent) d).getPayload())
        .filter(RetryScheduled.class::isInstance)
        .map(RetryScheduled.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static String status(String id) {
    return coordinator
        .jdbc()
        .sql("SELECT status FROM execution WHERE execution_id = ?")
        .param(id)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static double refused(String reason) {
    var counter =
        coordinator
            .context()
            .getBean(MeterRegistry.class)
            .find("redrive.api.refused")
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    return send(method, path, authorization, method.equals("GET") ? null : "{}");
  }

  private static HttpResponse<String> send(
      String method, String path, String authorization, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:"
                        + coordinator.context().getEnvironment().getProperty("local.server.port")
                        + path))
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
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
