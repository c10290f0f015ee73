package dev.redrive.local.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.redrive.support.log.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local launcher's schema registry: a Confluent Schema Registry REST API (the part that
 * Confluent's {@code KafkaAvroSerializer} and {@code KafkaAvroDeserializer} and Redrive's own serde
 * use) over HTTP on the loopback interface, so that another process can publish to Redrive's topics
 * and read them. Its schemas live in a {@link SchemaStore} file of the data folder.
 *
 * <p>Requests are bounded ({@value #MAX_REQUEST_BYTES} bytes of body); with a token, every request
 * must carry it ({@code Authorization: Bearer <token>}, or HTTP basic with the token as password,
 * which is what Confluent's {@code basic.auth.user.info} sends).
 */
public final class LocalSchemaRegistry implements AutoCloseable {

  /** Largest request body read; a longer one is answered 413. */
  public static final int MAX_REQUEST_BYTES = 1024 * 1024;

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger log = LoggerFactory.getLogger(LocalSchemaRegistry.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final RegistryApi api;
  private final RegistryAccess access;

  private LocalSchemaRegistry(HttpServer server, RegistryApi api, RegistryAccess access) {
    this.server = server;
    this.api = api;
    this.access = access;
    this.executor =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "local-schema-registry");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts the registry on {@code port} of the loopback interface (0 = a free one).
   *
   * @param access the tokens it asks for (none: open, for one machine and one person)
   */
  public static LocalSchemaRegistry start(SchemaStore store, int port, RegistryAccess access) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      return new LocalSchemaRegistry(server, new RegistryApi(store), access);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the schema registry could not listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  /** Where it answers, for {@code schema.registry.url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      RegistryApi.Answer answer;
      try {
        String method = exchange.getRequestMethod();
        access.check(method, exchange.getRequestHeaders().getFirst("Authorization"));
        String body = body(exchange.getRequestBody());
        answer = api.answer(method, exchange.getRequestURI().getRawPath(), body);
      } catch (RegistryError e) {
        answer = RegistryApi.error(e);
      } catch (RuntimeException e) {
        log.warn("schema registry request failed: {}", LogText.escape(e.toString()));
        answer = RegistryApi.error(new RegistryError(500, 50001, "internal error: " + e));
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
    if (bytes.length > MAX_REQUEST_BYTES) {
      throw new RegistryError(
          413,
          41301,
          "request body larger than " + MAX_REQUEST_BYTES + " bytes; send a smaller schema");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
