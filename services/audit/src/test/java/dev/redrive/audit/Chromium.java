package dev.redrive.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Headless Chromium (Debian's {@code chromium} package) driven over the DevTools protocol, for page
 * tests that need the page's script to run while the test changes what the page shows: open a page,
 * evaluate an expression in it, wait until one is true, take a screenshot.
 */
final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final Path work;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

  private Chromium(Process process, Path work, WebSocket socket) {
    this.process = process;
    this.work = work;
    this.socket = socket;
  }

  /** Starts a browser with a profile of its own, on an empty page. */
  static Chromium start() throws IOException, InterruptedException {
    assertThat(BINARY)
        .as("the page test needs Debian's chromium package (apt-get install -y chromium)")
        .isExecutable();
    Path work = Files.createTempDirectory("audit-chromium-");
    Path profile = work.resolve("profile");
    Process process =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,900",
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "--user-data-dir=" + profile,
                    "about:blank"))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(work.resolve("stdout").toFile())
            .redirectError(work.resolve("stderr").toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      String port =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> Files.exists(portFile) ? Files.readAllLines(portFile) : List.<String>of(),
                  lines -> lines.size() >= 1 && !lines.get(0).isBlank())
              .get(0)
              .strip();
      HttpClient http = HttpClient.newHttpClient();
      String targets =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String pageSocket = null;
      for (JsonNode target : JSON.readTree(targets)) {
        if ("page".equals(target.path("type").asString())) {
          pageSocket = target.path("webSocketDebuggerUrl").asString();
        }
      }
      assertThat(pageSocket).as("a page target in %s", targets).isNotNull();
      Chromium[] self = new Chromium[1];
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageSocket), new Listener(self))
              .get(30, TimeUnit.SECONDS);
      self[0] = new Chromium(process, work, socket);
      self[0].call("Page.enable", Map.of());
      self[0].call("Runtime.enable", Map.of());
      // script errors of the page, for the message of a test that fails
      self[0].call(
          "Page.addScriptToEvaluateOnNewDocument",
          Map.of(
              "source",
              "window.__errors = []; window.addEventListener('error',"
                  + " e => window.__errors.push(String(e.message)));"));
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "chromium did not start: " + Files.readString(work.resolve("stderr")), e);
    }
  }

  /** Goes to the URL, following redirects, and waits until a page with this path has loaded. */
  void go(String url, String expectedPath) {
    call("Page.navigate", Map.of("url", url));
    waitUntil(
        "document.readyState === 'complete' && location.pathname === "
            + JSON.writeValueAsString(expectedPath),
        Duration.ofSeconds(30),
        "location.href");
  }

  /** Opens the page and waits until it has loaded. */
  void open(String url) {
    call("Page.navigate", Map.of("url", url));
    waitUntil(
        "document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url),
        Duration.ofSeconds(30));
  }

  /** The value of a JavaScript expression in the page (a string, number or boolean), as text. */
  String evaluate(String expression) {
    JsonNode result =
        call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    assertThat(result.has("exceptionDetails"))
        .as("%s threw %s", expression, result.path("exceptionDetails"))
        .isFalse();
    return result.path("result").path("value").asString();
  }

  /** Waits until the expression is true in the page. */
  void waitUntil(String expression, Duration atMost) {
    waitUntil(expression, atMost, "''");
  }

  /**
   * Waits until the expression is true in the page; if it does not become true, the failure shows
   * {@code diagnosis} evaluated in the page, and the page's script errors.
   */
  void waitUntil(String expression, Duration atMost, String diagnosis) {
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> evaluate("String(Boolean(" + expression + "))"), "true"::equals);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "not true within %s: %s; page: %s; script errors: %s"
              .formatted(
                  atMost,
                  expression,
                  evaluate("String(" + diagnosis + ")"),
                  evaluate("JSON.stringify(window.__errors || [])")),
          e);
    }
  }

  /** Saves a PNG of the page as it is now. */
  void screenshot(Path file) throws IOException {
    JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asString()));
  }

  private JsonNode call(String method, Map<String, Object> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    answers.put(id, answer);
    String message = JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params));
    try {
      socket.sendText(message, true).get(30, TimeUnit.SECONDS);
      JsonNode reply = answer.get(30, TimeUnit.SECONDS);
      assertThat(reply.has("error")).as("%s: %s", method, reply.path("error")).isFalse();
      return reply.path("result");
    } catch (Exception e) {
      throw new IllegalStateException("DevTools call " + method + " failed", e);
    } finally {
      answers.remove(id);
    }
  }

  @Override
  public void close() {
    socket.abort();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    FileSystemUtils.deleteRecursively(work.toFile());
  }

  /** Collects frames into messages and hands each answer to the call that waits for it. */
  private static final class Listener implements WebSocket.Listener {
    private final Chromium[] browser;
    private final StringBuilder message = new StringBuilder();

    Listener(Chromium[] browser) {
      this.browser = browser;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        JsonNode reply = JSON.readTree(message.toString());
        message.setLength(0);
        if (reply.has("id") && browser[0] != null) {
          CompletableFuture<JsonNode> waiting = browser[0].answers.get(reply.path("id").asInt());
          if (waiting != null) {
            waiting.complete(reply);
          }
        }
      }
      socket.request(1);
      return null;
    }
  }
}
