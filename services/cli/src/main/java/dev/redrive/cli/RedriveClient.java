package dev.redrive.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The services' REST APIs over {@link HttpClient}. An error status becomes an {@link ApiException},
 * a server that cannot be reached an {@link UnreachableException}. Each service gets only its own
 * token, and no redirect is followed, so a token never reaches another host.
 */
final class RedriveClient {

  /** Answer of a successful request. */
  record Response(int status, String body) {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Settings settings;
  private final HttpClient http;

  RedriveClient(Settings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Where a service is, for messages and links. */
  URI url(Service service) {
    return settings.url(service);
  }

  Response get(Service service, String path) {
    return send(service, request(service, path).GET().build());
  }

  Response postJson(Service service, String path, String json) {
    return send(
        service,
        request(service, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** A request with another method than GET or POST ({@code PUT}, {@code DELETE}) and a body. */
  Response sendJson(Service service, String method, String path, String json) {
    return send(
        service,
        request(service, path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /**
   * Reads a {@code text/event-stream} and hands each event to {@code onEvent} as it arrives, until
   * the server ends the stream (returns true) or {@code onEvent} answers false (returns false).
   *
   * @param lastEventId sent as {@code Last-Event-ID} when resuming a stream, or null
   */
  boolean stream(Service service, String path, String lastEventId, Predicate<SseEvent> onEvent) {
    HttpRequest.Builder builder =
        authorized(service, HttpRequest.newBuilder(uri(service, path)))
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      builder.header("Last-Event-ID", lastEventId);
    }
    HttpRequest request = builder.build();
    HttpResponse<Stream<String>> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw failure(service, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() >= 300) {
        throw error(service, request, response, lines.collect(Collectors.joining("\n")));
      }
      return dispatch(lines.iterator(), onEvent);
    } catch (UncheckedIOException e) {
      throw failure(service, e.getCause());
    }
  }

  private static boolean dispatch(Iterator<String> lines, Predicate<SseEvent> onEvent) {
    String type = null;
    String id = null;
    StringBuilder data = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (data != null
            && !onEvent.test(new SseEvent(type == null ? "message" : type, id, data.toString()))) {
          return false;
        }
        type = null;
        id = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "id" -> id = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> {
          // retry: and unknown fields are ignored, as the SSE specification says
        }
      }
    }
    return true;
  }

  private HttpRequest.Builder request(Service service, String path) {
    return authorized(service, HttpRequest.newBuilder(uri(service, path)).timeout(REQUEST_TIMEOUT))
        .header("Accept", "application/json, application/problem+json, text/plain");
  }

  private HttpRequest.Builder authorized(Service service, HttpRequest.Builder builder) {
    String token = settings.token(service);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.header("User-Agent", "redrive-cli");
  }

  private URI uri(Service service, String path) {
    return URI.create(settings.url(service) + path);
  }

  private Response send(Service service, HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw failure(service, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() >= 300) {
      throw error(service, request, response, response.body());
    }
    return new Response(response.statusCode(), response.body());
  }

  private static ApiException error(
      Service service, HttpRequest request, HttpResponse<?> response, String body) {
    String what = request.method() + " " + request.uri();
    if (response.statusCode() < 400) {
      return ApiException.redirected(
          service, what, response.statusCode(), response.headers().firstValue("Location"));
    }
    return new ApiException(service, what, response.statusCode(), body);
  }

  private RuntimeException failure(Service service, IOException e) {
    if (e instanceof ConnectException || e instanceof HttpTimeoutException) {
      return new UnreachableException(service, settings.url(service), e);
    }
    return new UncheckedIOException(
        "talking to the %s at %s: %s"
            .formatted(service.displayName(), settings.url(service), e.getMessage()),
        e);
  }
}
