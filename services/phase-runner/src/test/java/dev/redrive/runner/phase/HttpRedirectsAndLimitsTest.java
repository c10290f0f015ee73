package dev.redrive.runner.phase;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.app.PhaseRunner.PhaseRun;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.runner.http.HttpCall;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.Workspace;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An http phase against two real servers on two ports (two origins): redirects are followed only
 * within the origin, credentials never reach the other one, and the answer's body is bounded.
 */
class HttpRedirectsAndLimitsTest {

  private static final int MAX_BODY = 64 * 1024;
  private static final String TOKEN = "Bearer phase-secret-token";

  @TempDir Path workspaces;

  private final PhaseExecutor executor =
      new PhaseExecutor(4 * 1024, Map.of(), Sandbox.none(), MAX_BODY);
  private Workspace workspace;
  private HttpServer origin;
  private HttpServer elsewhere;

  /** Requests each server received: method, path and the Authorization and Cookie headers. */
  private final List<String> originRequests = new CopyOnWriteArrayList<>();

  private final List<String> elsewhereRequests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    workspace = Workspace.create(workspaces, "exec_http");
    origin = server();
    elsewhere = server();
    List<String> o = originRequests;
    origin.createContext("/to-elsewhere", redirect(o, 302, url(elsewhere, "/steal")));
    origin.createContext("/same", redirect(o, 307, "/final"));
    origin.createContext("/see-other", redirect(o, 303, url(origin, "/final")));
    origin.createContext("/loop", redirect(o, 302, "/loop"));
    origin.createContext("/final", answer(o, "accepted"));
    origin.createContext("/huge", huge(o, 16L * 1024 * 1024));
    origin.createContext("/exact", huge(o, MAX_BODY));
    elsewhere.createContext("/steal", answer(elsewhereRequests, "stolen"));
  }

  @AfterEach
  void stop() {
    origin.stop(0);
    elsewhere.stop(0);
  }

  @Test
  void shouldRefuseARedirectToAnotherOriginAndSendItNothing() {
    AttemptOutcome outcome = call("POST", url(origin, "/to-elsewhere"));

    assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(outcome.hard()).isTrue();
    assertThat(outcome.errorType()).isEqualTo("redirect refused");
    assertThat(outcome.message())
        .contains("HTTP 302", "another origin", url(elsewhere, "/steal"), "not followed");
    assertThat(outcome.attributes()).containsEntry(AttemptOutcome.HTTP_STATUS, "302");
    assertThat(originRequests).containsExactly("POST /to-elsewhere " + TOKEN + " c=1");
    assertThat(elsewhereRequests).isEmpty();
  }

  @Test
  void shouldFollowASameOriginRedirectKeepingMethodBodyAndHeaders() throws IOException {
    AttemptOutcome outcome = call("POST", url(origin, "/same"));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(originRequests)
        .containsExactly("POST /same " + TOKEN + " c=1", "POST /final " + TOKEN + " c=1");
    assertThat(
            Files.readString(
                workspace.resolve("artifacts/notify/" + PhaseExecutor.HTTP_RESPONSE_FILE)))
        .isEqualTo("accepted");
  }

  @Test
  void shouldTurnAPostIntoAGetOnASeeOther() {
    AttemptOutcome outcome = call("POST", url(origin, "/see-other"));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(originRequests).last().asString().startsWith("GET /final ");
  }

  @Test
  void shouldStopFollowingAfterAFewRedirects() {
    AttemptOutcome outcome = call("GET", url(origin, "/loop"));

    assertThat(outcome.hard()).isTrue();
    assertThat(outcome.errorType()).isEqualTo("too many redirects");
    assertThat(originRequests).hasSize(HttpCall.MAX_REDIRECTS + 1);
  }

  @Test
  void shouldFailAnAnswerOverTheLimitKeepingOnlyItsHead() throws IOException {
    long before = usedHeap();

    AttemptOutcome outcome = call("GET", url(origin, "/huge"));

    assertThat(outcome.failureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(outcome.hard()).isTrue();
    assertThat(outcome.errorType()).isEqualTo("response too large");
    assertThat(outcome.message())
        .contains("over " + MAX_BODY + " bytes", "redrive.runner.http-response-max-bytes");
    Path body = workspace.resolve("artifacts/notify/" + PhaseExecutor.HTTP_RESPONSE_FILE);
    assertThat(Files.size(body)).isEqualTo(MAX_BODY);
    assertThat(outcome.logExcerpt().length()).isLessThan(8 * 1024);
    // the 16 MiB answer was never held in memory (generous bound: GC noise)
    assertThat(usedHeap() - before).isLessThan(12L * 1024 * 1024);
  }

  @Test
  void shouldAcceptAnAnswerOfExactlyTheLimit() throws IOException {
    AttemptOutcome outcome = call("GET", url(origin, "/exact"));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(
            Files.size(workspace.resolve("artifacts/notify/" + PhaseExecutor.HTTP_RESPONSE_FILE)))
        .isEqualTo(MAX_BODY);
  }

  @Test
  void shouldTruncateAnOlderLongerBodyWhenTheNextAnswerIsShorter() throws IOException {
    call("GET", url(origin, "/exact"));

    AttemptOutcome outcome = call("GET", url(origin, "/final"));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(
            Files.readString(
                workspace.resolve("artifacts/notify/" + PhaseExecutor.HTTP_RESPONSE_FILE)))
        .isEqualTo("accepted");
  }

  private AttemptOutcome call(String method, String url) {
    Phase notify =
        new Phase(
            "notify",
            new HttpSpec(
                URI.create(url),
                method,
                Map.of("Authorization", TOKEN, "Cookie", "c=1"),
                null,
                Duration.ofSeconds(10)),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            null,
            null);
    return executor.run(
        new PhaseRun(
            "exec_http",
            new Pipeline("http", "http.yaml", List.of(notify)),
            notify,
            workspace.root().toString(),
            1,
            1,
            Map.of(),
            Map.of(),
            null,
            new PhaseControl()));
  }

  private static long usedHeap() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static String url(HttpServer server, String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static HttpServer server() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return server;
  }

  private static void record(List<String> requests, HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    requests.add(
        "%s %s %s %s"
            .formatted(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Cookie")));
  }

  private static HttpHandler redirect(List<String> requests, int status, String location) {
    return exchange -> {
      record(requests, exchange);
      exchange.getResponseHeaders().add("Location", location);
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    };
  }

  private static HttpHandler answer(List<String> requests, String body) {
    return exchange -> {
      record(requests, exchange);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /** Streams {@code size} bytes, chunked, without ever holding them. */
  private static HttpHandler huge(List<String> requests, long size) {
    return exchange -> {
      record(requests, exchange);
      exchange.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[8192];
      Arrays.fill(chunk, (byte) 'x');
      try (OutputStream out = exchange.getResponseBody()) {
        for (long sent = 0; sent < size; sent += chunk.length) {
          out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
        }
      } catch (IOException e) {
        // the client stopped reading at its limit
      }
    };
  }
}
