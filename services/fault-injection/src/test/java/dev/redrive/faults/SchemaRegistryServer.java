package dev.redrive.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A schema registry over HTTP that answers the part of the Confluent Schema Registry API that
 * Redrive's serde uses (register, look up, schema by id, latest version). The in-memory {@code
 * mock://} registry does not cross JVMs; the services under test run in processes of their own, so
 * they all talk to this one.
 */
final class SchemaRegistryServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final HttpServer server;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
  private int nextId = 1;

  private SchemaRegistryServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  static SchemaRegistryServer start() {
    try {
      return new SchemaRegistryServer();
    } catch (IOException e) {
      throw new IllegalStateException("schema registry did not start", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Answer answer =
          registry(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private synchronized Answer registry(String method, String path, String body) throws IOException {
    String[] parts = path.substring(1).split("/");
    if (method.equals("POST") && parts.length == 3 && parts[0].equals("subjects")) {
      String subject = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      String schema = JSON.readTree(body).get("schema").asText();
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
      Integer id = idsBySchema.get(JSON.readTree(body).get("schema").asText());
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
