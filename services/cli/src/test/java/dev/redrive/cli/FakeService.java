package dev.redrive.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP server on a free loopback port that answers like one Redrive service, with canned
 * answers taken from docs/rest-api.md, and remembers every request it got.
 */
final class FakeService implements AutoCloseable {

  /** A request as the server received it. */
  record Request(String method, String uri, Map<String, String> headers, String body) {}

  /** One canned answer; {@code location} is sent as the Location header when not null. */
  record Answer(int status, String contentType, String body, String location) {
    Answer(int status, String contentType, String body) {
      this(status, contentType, body, null);
    }
  }

  private final HttpServer server;
  private boolean closed;
  private final Map<String, List<Answer>> answers = new HashMap<>();
  private final Map<String, List<List<String>>> streams = new HashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  FakeService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  /**
   * Answers {@code "GET /path?query"} with JSON; given several, one per request, the last repeats.
   */
  FakeService json(String request, int status, String... bodies) {
    List<Answer> list = answers.computeIfAbsent(request, k -> new ArrayList<>());
    for (String body : bodies) {
      String type = status >= 400 ? "application/problem+json" : "application/json";
      list.add(new Answer(status, type, body));
    }
    return this;
  }

  /** Answers {@code request} with a redirect {@code status} to {@code location}. */
  FakeService redirect(String request, int status, String location) {
    answers
        .computeIfAbsent(request, k -> new ArrayList<>())
        .add(new Answer(status, "text/plain;charset=UTF-8", "", location));
    return this;
  }

  FakeService text(String request, int status, String body) {
    answers
        .computeIfAbsent(request, k -> new ArrayList<>())
        .add(new Answer(status, "text/plain;charset=UTF-8", body));
    return this;
  }

  /**
   * Answers {@code request} with a text/event-stream made of these events (each already in wire
   * form, blank line included), then closes it; given several, one per connection.
   */
  FakeService eventStream(String request, List<String> events) {
    streams.computeIfAbsent(request, k -> new ArrayList<>()).add(events);
    return this;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  Request onlyRequest(String method, String uriPrefix) {
    List<Request> matching =
        requests().stream()
            .filter(r -> r.method().equals(method) && r.uri().startsWith(uriPrefix))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + method + " " + uriPrefix + ", got " + requests());
    }
    return matching.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Request(
            exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
    List<List<String>> stream = streams.get(key);
    if (stream != null && !stream.isEmpty()) {
      List<String> events = stream.size() > 1 ? stream.remove(0) : stream.get(0);
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (String event : events) {
          out.write(event.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
      return;
    }
    List<Answer> list = answers.get(key);
    Answer answer;
    if (list == null || list.isEmpty()) {
      answer =
          new Answer(
              404,
              "application/problem+json",
              "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"No static resource.\"}");
    } else {
      answer = list.size() > 1 ? list.remove(0) : list.get(0);
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", answer.contentType());
    if (answer.location() != null) {
      exchange.getResponseHeaders().add("Location", answer.location());
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
    }
  }
}
