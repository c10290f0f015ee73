package dev.redrive.support.avro;

import static dev.redrive.support.avro.SchemaRegistryException.NO_ANSWER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The HTTP side of {@link RestSchemaRegistryClient}: the registry's URLs and which of them answered
 * last, basic authentication, timeouts, and reading each answer up to a bound. A request goes to
 * the URL that answered last and moves on to the next one only when a URL cannot be reached; what
 * an answer means is for {@link RegistryAnswers}.
 */
final class RegistryTransport {

  private static final String ACCEPT =
      RestSchemaRegistryClient.CONTENT_TYPE
          + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private final List<String> baseUrls;
  private final String authorization;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final HttpClient http;
  private volatile int preferredUrl;

  /**
   * @param baseUrls one URL or a comma-separated list, for example {@code http://registry:8081}
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or {@code null}
   * @param timeout connect timeout, and time allowed for each answer
   * @param maxResponseBytes the largest answer read
   * @throws IllegalArgumentException if a URL is not an http(s) URL, or the bound not positive
   */
  RegistryTransport(
      String baseUrls, String basicAuthUserInfo, Duration timeout, int maxResponseBytes) {
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          AvroSerdeConfig.MAX_RESPONSE_BYTES + " must be positive, was " + maxResponseBytes);
    }
    this.maxResponseBytes = maxResponseBytes;
    this.baseUrls = parseUrls(baseUrls);
    this.authorization =
        basicAuthUserInfo == null || basicAuthUserInfo.isBlank()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  List<String> baseUrls() {
    return baseUrls;
  }

  /**
   * Sends the request to the first URL that can be reached and answers its JSON object.
   *
   * @param path the path after the base URL, encoded
   * @param body the JSON to POST, or null to GET
   * @throws SchemaRegistryException when no URL can be reached, or the one reached says no
   */
  JsonNode send(RegistryCall call, String path, String body) {
    int first = preferredUrl;
    IOException failure = null;
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (first + i) % baseUrls.size();
      String url = baseUrls.get(index);
      HttpResponse<InputStream> response;
      String text;
      try {
        response = http.send(request(url + path, body), HttpResponse.BodyHandlers.ofInputStream());
        text = bounded(url, response, call);
      } catch (IOException e) {
        failure = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            "Interrupted while asking the schema registry at " + url + " to " + call.action(),
            NO_ANSWER,
            NO_ANSWER,
            e);
      }
      preferredUrl = index;
      return RegistryAnswers.answer(url, response.statusCode(), text, call);
    }
    throw new SchemaRegistryException(
        "Schema registry at "
            + String.join(", ", baseUrls)
            + " unreachable: could not "
            + call.action()
            + " ("
            + reason(failure)
            + ")",
        NO_ANSWER,
        NO_ANSWER,
        failure);
  }

  private HttpRequest request(String uri, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).header("Accept", ACCEPT);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (body == null) {
      return builder.GET().build();
    }
    return builder
        .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  /**
   * The answer as text, read up to the limit; a longer one is not read further, and fails with its
   * own status: it is not an outage to wait out (the same answer would come again).
   */
  private String bounded(String url, HttpResponse<InputStream> response, RegistryCall call)
      throws IOException {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(maxResponseBytes + 1);
      if (bytes.length > maxResponseBytes) {
        throw new SchemaRegistryException(
            "Schema registry at "
                + url
                + ": could not "
                + call.action()
                + ": the answer is larger than "
                + maxResponseBytes
                + " bytes (raise "
                + AvroSerdeConfig.MAX_RESPONSE_BYTES
                + " if the registry really serves schemas that large)",
            response.statusCode(),
            NO_ANSWER,
            null);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String reason(IOException failure) {
    if (failure instanceof HttpTimeoutException) {
      return "no answer within the timeout: " + failure.getMessage();
    }
    return failure.getMessage() == null
        ? failure.getClass().getSimpleName()
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  private static List<String> parseUrls(String baseUrls) {
    if (baseUrls == null || baseUrls.isBlank()) {
      throw new IllegalArgumentException("No schema registry URL given");
    }
    List<String> urls =
        Arrays.stream(baseUrls.split(","))
            .map(String::strip)
            .filter(url -> !url.isEmpty())
            .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
            .toList();
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("No schema registry URL given in '" + baseUrls + "'");
    }
    for (String url : urls) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid schema registry URL '" + url + "'", e);
      }
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "Invalid schema registry URL '" + url + "': expected http://host:port or https://...");
      }
    }
    return urls;
  }
}
