package dev.redrive.audit.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.redrive.audit.app.RunnerDiffs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit's client of the phase-runner's diff against a tiny real HTTP server (the JDK's)
 * answering the runner's recorded JSON: the answer, the runner's refusals, and every way it can
 * fail to be useful (not set, wrong token, too slow, too large).
 */
class HttpRunnerDiffsTest {

  private static final String RECORDED = read("/runner-diff.json");

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HttpServer server;
  private volatile int status = 200;
  private volatile String body = RECORDED;
  private volatile boolean hang;

  @BeforeEach
  void startRunner() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopRunner() {
    release.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.add(
        exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
    if (hang) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private HttpRunnerDiffs client(String token, Duration timeout, int maxBytes) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return new HttpRunnerDiffs(url, token, timeout, maxBytes, JsonMapper.builder().build(), meters);
  }

  @Test
  void shouldReturnTheRunnersDiffAskedWithItsReadToken() {
    RunnerDiffs.Answer answer =
        client("runner-read", Duration.ofSeconds(5), 1 << 20).diff("exec_1", "build", 1, 2);

    assertThat(answer).isInstanceOf(RunnerDiffs.Compared.class);
    assertThat(((RunnerDiffs.Compared) answer).diff().path("b").path("number").asInt())
        .isEqualTo(2);
    assertThat(requests)
        .containsExactly("/api/v1/executions/exec_1/phases/build/diff?a=1&b=2 Bearer runner-read");
    assertThat(meters.counter("redrive.audit.runner.diffs", "outcome", "compared").count())
        .isEqualTo(1);
  }

  @Test
  void shouldAskForTheDefaultsAndEncodeThePhase() {
    client("", Duration.ofSeconds(5), 1 << 20).diff("exec_1", "a b/c", null, null);

    assertThat(requests).containsExactly("/api/v1/executions/exec_1/phases/a%20b%2Fc/diff null");
  }

  @Test
  void shouldPassOnTheRunnersRefusalInItsWords() {
    status = 404;
    body =
        """
        {"title": "Nothing to compare", "status": 404,
         "detail": "Phase build of execution exec_1 has 1 failed attempt(s) [1]: a diff needs two"}""";

    RunnerDiffs.Answer answer =
        client("t", Duration.ofSeconds(5), 1 << 20).diff("exec_1", "build", null, null);

    assertThat(answer)
        .isEqualTo(
            new RunnerDiffs.Refused(
                404,
                "Phase build of execution exec_1 has 1 failed attempt(s) [1]: a diff needs two"));
  }

  @Test
  void shouldNameTheTokenSettingWhenTheRunnerRefusesIt() {
    status = 401;
    body = "{\"title\": \"Unauthorized\"}";

    RunnerDiffs.Answer answer =
        client("wrong", Duration.ofSeconds(5), 1 << 20).diff("exec_1", "build", 1, 2);

    assertThat(((RunnerDiffs.Unavailable) answer).why()).contains("redrive.audit.runner-token");
  }

  @Test
  void shouldGiveUpOnARunnerThatDoesNotAnswerInTime() {
    hang = true;

    long started = System.nanoTime();
    RunnerDiffs.Answer answer =
        client("t", Duration.ofMillis(300), 1 << 20).diff("exec_1", "build", 1, 2);

    assertThat(((RunnerDiffs.Unavailable) answer).why())
        .isEqualTo("the phase-runner did not answer within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(meters.counter("redrive.audit.runner.diffs", "outcome", "unavailable").count())
        .isEqualTo(1);
  }

  @Test
  void shouldNotReadAnAnswerLargerThanItsBound() {
    RunnerDiffs.Answer answer =
        client("t", Duration.ofSeconds(5), 100).diff("exec_1", "build", 1, 2);

    assertThat(((RunnerDiffs.Unavailable) answer).why())
        .isEqualTo("the phase-runner's answer is larger than 100 bytes");
  }

  @Test
  void shouldSayWhyWhenNoRunnerIsSet() {
    RunnerDiffs.Answer answer =
        new HttpRunnerDiffs(
                null, "", Duration.ofSeconds(1), 100, JsonMapper.builder().build(), meters)
            .diff("exec_1", "build", 1, 2);

    assertThat(((RunnerDiffs.Unavailable) answer).why()).contains("redrive.audit.runner-url");
    assertThat(requests).isEmpty();
  }

  @Test
  void shouldSayWhyWhenTheRunnerCannotBeReached() {
    int port = server.getAddress().getPort();
    server.stop(0);

    RunnerDiffs.Answer answer =
        new HttpRunnerDiffs(
                URI.create("http://127.0.0.1:" + port + "/"),
                "",
                Duration.ofSeconds(2),
                100,
                JsonMapper.builder().build(),
                meters)
            .diff("exec_1", "build", 1, 2);

    assertThat(((RunnerDiffs.Unavailable) answer).why())
        .startsWith("the phase-runner could not be asked");
  }

  static String read(String resource) {
    try (InputStream in = HttpRunnerDiffsTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
