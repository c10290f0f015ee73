package dev.redrive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
            "/",
            "/api/v1/index/stream",
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

  @Test
  void shouldLetABrowserSignInOnceWithTheReadTokenAndThenReadThePagesButWriteNothing()
      throws Exception {
    // a browser that opens a page without a session is sent to the sign-in form first
    HttpResponse<String> page = audit.get("/?status=PAUSED", "Accept", "text/html");
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location"))
        .hasValueSatisfying(to -> assertThat(to).endsWith("/login?next=%2F%3Fstatus%3DPAUSED"));
    HttpResponse<String> form = audit.get("/login?next=/executions/exec-1");
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body())
        .contains("method=\"post\" action=\"/login\"", "value=\"/executions/exec-1\"");

    // a wrong token is refused; the read token starts a session, given once in the body
    HttpResponse<String> wrong = signIn("token=wrong&next=%2F");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("not a token of this audit service");
    HttpResponse<String> signedIn = signIn("token=" + READ + "&next=%2Fexecutions%2Fexec-1");
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/executions/exec-1");
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("redrive_session=")
        .contains("Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=28800")
        .doesNotContain(READ);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    // the session reads the pages, the API and the streams' doors, and writes nothing
    HttpResponse<String> index = audit.get("/", "Accept", "text/html", "Cookie", cookie);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<h1>Executions</h1>");
    assertThat(index.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'sha256-"));
    assertThat(audit.get("/api/v1/executions/exec-1/events", "Cookie", cookie).statusCode())
        .isEqualTo(200);
    assertThat(audit.get("/api/v1/index/stream?since=x", "Cookie", cookie).statusCode())
        .isEqualTo(400);
    assertThat(audit.get("/", "Cookie", cookie + "x").statusCode()).isEqualTo(401);
    HttpRequest write =
        HttpRequest.newBuilder(URI.create(audit.baseUrl + "/api/v1/executions/exec-1/events"))
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    assertThat(audit.http.send(write, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);

    // and the form takes no token longer than any token, and sends nobody elsewhere
    HttpResponse<String> tooLong = signIn("token=" + "x".repeat(513));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("\"field\":\"token\"");
    HttpResponse<String> elsewhere = signIn("token=" + READ + "&next=%2F%2Fevil.example");
    assertThat(elsewhere.statusCode()).isEqualTo(400);
    assertThat(elsewhere.body()).contains("\"field\":\"next\"");
    assertThat(signIn("token=" + READ + "&next=%2F" + "x".repeat(2048)).statusCode())
        .isEqualTo(400);
  }

  @Test
  void shouldShowTheLiveIndexToABrowserThatSignedInWithTheReadToken() throws Exception {
    try (Chromium browser = Chromium.start()) {
      // a browser without a session that opens the index lands on the sign-in form
      browser.go(audit.baseUrl + "/?status=RUNNING", "/login");

      // and, once the read token is given there, on the index it asked for, whose live stream
      // (an EventSource, which can send no bearer header) opens with the session cookie
      browser.evaluate(
          "document.getElementById('token').value = '"
              + READ
              + "';"
              + " document.getElementById('sign-in').click(); 'sent'");
      browser.waitUntil(
          "location.pathname === '/' && location.search === '?status=RUNNING'"
              + " && document.readyState === 'complete'",
          Duration.ofSeconds(30),
          "location.href + ' ' + document.title");
      browser.waitUntil(
          "document.getElementById('executions').dataset.connected === 'true'",
          Duration.ofSeconds(30),
          "document.getElementById('live').textContent");
      // and the cookie is out of the page's script's reach
      assertThat(browser.evaluate("document.cookie")).isEmpty();
    }
  }

  private static HttpResponse<String> signIn(String form) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(audit.baseUrl + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return audit.http.send(request, HttpResponse.BodyHandlers.ofString());
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
