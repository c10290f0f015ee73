package dev.redrive.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real HTTP server on a free loopback port that answers like a Confluent Schema Registry, for the
 * part of the API Redrive's serde uses (register, look up, schema by id, latest version).
 *
 * <p>It keeps a small registry of its own, unless a canned answer is set for a method and path, and
 * records every request. Unlike the in-memory {@code mock://} registry it crosses JVMs, so service
 * processes started by a test can share it; requests are served by several threads at once.
 */
public final class HttpSchemaRegistry implements AutoCloseable {

  /** One request as the server saw it. */
  public record Request(
      String method, String path, String authorization, String contentType, String body) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
  private final Map<String, Answer> canned = new ConcurrentHashMap<>();
  // the registry's own state: only touched inside the synchronized registry(...)
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
  private int nextId;

  private HttpSchemaRegistry(int firstId) throws IOException {
    this.nextId = firstId;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "http-schema-registry");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server whose registry hands out ids from 1 on. */
  public static HttpSchemaRegistry start() {
    return start(1);
  }

  /** Starts a server whose registry hands out ids from {@code firstId} on. */
  public static HttpSchemaRegistry start(int firstId) {
    try {
      return new HttpSchemaRegistry(firstId);
    } catch (IOException e) {
      throw new UncheckedIOException("schema registry did not start", e);
    }
  }

  /** Returns a local port on which nothing listens. */
  public static int deadPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on answers {@code method path} with this status and body. */
  public void answer(String method, String path, int status, String body) {
    canned.put(method + " " + path, new Answer(status, body));
  }

  /** Every request so far, in the order they arrived. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public long count(String method, String path) {
    return requests.stream()
        .filter(request -> request.method().equals(method) && request.path().equals(path))
        .count();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Request(
              method,
              path,
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body));
      Answer answer = canned.get(method + " " + path);
      if (answer == null) {
        answer = registry(method, path, body);
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private synchronized Answer registry(String method, String path, String body) {
    String[] parts = path.substring(1).split("/");
    if (method.equals("POST") && parts.length == 3 && parts[0].equals("subjects")) {
      String subject = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      String schema = JSON.readTree(body).get("schema").asString();
      int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
      schemasById.put(id, schema);
      List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
      if (!versions.contains(id)) {
        versions.add(id);
      }
      return new Answer(200, JSON.createObjectNode().put("id", id).toString());
    }
    if (method.equals("POST") && parts.length == 2 && parts[0].equals("subjects")) {
      String subject = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      List<Integer> versions = versionsBySubject.get(subject);
      if (versions == null) {
        return error(404, 40401, "Subject '" + subject + "' not found.");
      }
      Integer id = idsBySchema.get(JSON.readTree(body).get("schema").asString());
      if (id == null || !versions.contains(id)) {
        return error(404, 40403, "Schema not found");
      }
      return new Answer(200, version(subject, versions.indexOf(id) + 1, id));
    }
    if (method.equals("GET") && parts.length == 3 && parts[0].equals("schemas")) {
      String schema = schemasById.get(Integer.parseInt(parts[2]));
      if (schema == null) {
        return error(404, 40403, "Schema " + parts[2] + " not found");
      }
      return new Answer(200, JSON.createObjectNode().put("schema", schema).toString());
    }
    if (method.equals("GET") && parts.length == 4 && parts[3].equals("latest")) {
      String subject = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      List<Integer> versions = versionsBySubject.get(subject);
      if (versions == null) {
        return error(404, 40401, "Subject '" + subject + "' not found.");
      }
      return new Answer(200, version(subject, versions.size(), versions.get(versions.size() - 1)));
    }
    return error(404, 404, "HTTP 404 Not Found");
  }

  private String version(String subject, int version, int id) {
    ObjectNode node = JSON.createObjectNode();
    node.put("subject", subject).put("version", version).put("id", id);
    node.put("schema", schemasById.get(id));
    return node.toString();
  }

  private static Answer error(int status, int errorCode, String message) {
    return new Answer(
        status,
        JSON.createObjectNode().put("error_code", errorCode).put("message", message).toString());
  }

  private record Answer(int status, String body) {}
}
