package dev.redrive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared bearer-token check on the audit, with a read token, on a real broker and PostgreSQL:
 * the audit has nothing to change, so once a read token is set every read of the trail needs a
 * token, while health and Prometheus stay open for probes and scrapers.
 */
class AuditSecurityIT {

  private static final String READ = "audit-read-token";
  private static final String ALICE = "audit-alice-token";

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit =
        RunningAudit.start(
            "security",
            "--redrive.security.read-token=" + READ,
            "--redrive.security.users.alice=" + ALICE);
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void shouldNeedATokenForEveryReadOfTheTrailOnceAReadTokenIsSet() {
    for (String path :
        List.of(
            "/api/v1/executions/exec-1/events",
            "/api/v1/events",
            "/api/v1/events/no-such-event",
            "/api/v1/executions/exec-1/report",
            "/api/v1/executions/exec-1/events/stream",
            "/executions/exec-1",
            "/actuator/metrics")) {
      HttpResponse<String> none = audit.get(path);
      HttpResponse<String> wrong = audit.get(path, "Authorization", "Bearer wrong");

      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
      assertThat(none.body()).as(path).contains("redrive.security.read-token");
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
    }

    String timeline = "/api/v1/executions/exec-1/events";
    for (String token : List.of(READ, ALICE, RunningAudit.TOKEN)) {
      assertThat(audit.get(timeline, "Authorization", "Bearer " + token).statusCode())
          .isEqualTo(200);
    }
    assertThat(audit.get(timeline, "Authorization", "bearer " + READ).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldLeaveHealthAndPrometheusOpen() {
    assertThat(audit.get("/actuator/health").statusCode()).isEqualTo(200);
    assertThat(audit.get("/actuator/prometheus").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseAWriteWithTheReadTokenEvenWhereNothingCanBeWritten() throws Exception {
    HttpResponse<String> none = post("/api/v1/executions/exec-1/events", null);
    HttpResponse<String> readOnly = post("/api/v1/executions/exec-1/events", "Bearer " + READ);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(readOnly.statusCode()).isEqualTo(403);
    assertThat(readOnly.body()).contains("read token cannot change anything");
    assertThat(readOnly.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  private static HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(audit.baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return audit.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
