package dev.redrive.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server for webhook phases: it answers each request by the {@code "who"} field of its
 * JSON body, as a test scripted it, and keeps every request it received.
 */
public final class TestWebhook {

  private static final Pattern WHO = Pattern.compile("\"who\"\\s*:\\s*\"([^\"]*)\"");
  private static TestWebhook shared;

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, List<Request>> requests = new ConcurrentHashMap<>();

  /**
   * How to answer.
   *
   * @param holdUntil when not null, the answer waits until it is released (to make a phase time
   *     out)
   */
  public record Answer(int status, String body, String retryAfter, CountDownLatch holdUntil) {

    public static Answer of(int status, String body) {
      return new Answer(status, body, null, null);
    }
  }

  /** A request the webhook received. */
  public record Request(
      String method, String path, Map<String, List<String>> headers, String body) {}

  private TestWebhook() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public static synchronized TestWebhook shared() {
    if (shared == null) {
      shared = new TestWebhook();
    }
    return shared;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Scripts the answers for requests whose body says {@code "who": who}, one per request. */
  public void answer(String who, Answer... inOrder) {
    answers.put(who + "#", inOrder[inOrder.length - 1]);
    for (int i = 0; i < inOrder.length; i++) {
      answers.put(who + "#" + (i + 1), inOrder[i]);
    }
  }

  public List<Request> requests(String who) {
    return requests.getOrDefault(who, List.of());
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Matcher matcher = WHO.matcher(body);
    String who = matcher.find() ? matcher.group(1) : "";
    List<Request> received = requests.computeIfAbsent(who, w -> new CopyOnWriteArrayList<>());
    received.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            Map.copyOf(exchange.getRequestHeaders()),
            body));
    Answer answer =
        answers.getOrDefault(
            who + "#" + received.size(), answers.getOrDefault(who + "#", Answer.of(200, "ok")));
    if (answer.holdUntil() != null) {
      try {
        answer.holdUntil().await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    if (answer.retryAfter() != null) {
      exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
    }
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // the runner gave up waiting (a timeout test); nobody reads this answer any more
    }
  }
}
