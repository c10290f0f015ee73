package dev.redrive.runner.http;

import dev.redrive.runner.app.PhaseControl;
import dev.redrive.runner.domain.HttpAnswer;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.process.BoundedOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the webhook call of an http phase. The answer's body is streamed to a file in the phase's
 * artifacts (so checks and later phases can read it), at most {@code maxBodyBytes} of it; only a
 * bounded excerpt is kept in memory. Redirects are followed only within the same origin (scheme,
 * host and port), at most {@value #MAX_REDIRECTS} of them: a redirect to another origin is refused,
 * so the phase's headers (Authorization, cookies, its own secrets) never reach another host.
 */
public final class HttpCall {

  /** Same-origin redirects followed in one call. */
  public static final int MAX_REDIRECTS = 5;

  /** The setting that bounds an answer's body (named in the failure it causes). */
  public static final String MAX_BODY_SETTING = "redrive.runner.http-response-max-bytes";

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /**
   * The http status, or why there is none; {@code refusal} is set when the answer was not taken (a
   * redirect to another origin, too many redirects, a body over the limit): a HARD failure.
   */
  public record Result(
      Integer status,
      boolean timedOut,
      boolean stopped,
      String error,
      Refusal refusal,
      String excerpt,
      Long retryAfterMs,
      long durationMs) {}

  /** Why an answer was refused: a short error type and the message for a person. */
  public record Refusal(String errorType, String message) {}

  private final HttpClient client;
  private final int outputLimit;
  private final long maxBodyBytes;
  private final Clock clock;

  /**
   * @param client a client that follows no redirect itself ({@link HttpClient.Redirect#NEVER})
   */
  public HttpCall(HttpClient client, int outputLimit, long maxBodyBytes, Clock clock) {
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the client must not follow redirects itself");
    }
    this.client = client;
    this.outputLimit = outputLimit;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  public Result call(
      HttpSpec spec,
      String body,
      Map<String, String> headers,
      Path responseFile,
      PhaseControl control) {
    long started = System.nanoTime();
    URI uri = spec.url();
    String method = spec.method();
    for (int redirects = 0; ; redirects++) {
      if (control.stopped()) {
        return new Result(null, false, true, "stopped before it started", null, "", null, 0);
      }
      long remainingMs = spec.timeout().toMillis() - elapsed(started);
      if (remainingMs <= 0) {
        return new Result(null, true, false, null, null, "", null, elapsed(started));
      }
      CompletableFuture<HttpResponse<LimitedFileBody.Written>> exchange =
          client.sendAsync(
              request(uri, method, body, headers, spec, Duration.ofMillis(remainingMs)),
              info -> new LimitedFileBody(responseFile, maxBodyBytes));
      control.onStop(() -> exchange.cancel(true));
      HttpResponse<LimitedFileBody.Written> response;
      try {
        response = exchange.get(remainingMs, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        exchange.cancel(true);
        return new Result(null, true, false, null, null, "", null, elapsed(started));
      } catch (CancellationException | ExecutionException e) {
        if (control.stopped()) {
          return new Result(null, false, true, "stopped", null, "", null, elapsed(started));
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        boolean timeout = cause instanceof HttpTimeoutException;
        return new Result(
            null,
            timeout,
            false,
            timeout ? null : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
            null,
            "",
            null,
            elapsed(started));
      } catch (InterruptedException e) {
        exchange.cancel(true);
        Thread.currentThread().interrupt();
        return new Result(null, false, true, "interrupted", null, "", null, elapsed(started));
      } finally {
        control.clear();
      }
      int status = response.statusCode();
      String target = method + " " + uri;
      Optional<String> location = response.headers().firstValue("Location");
      if (REDIRECTS.contains(status) && location.isPresent()) {
        URI next;
        try {
          next = uri.resolve(location.get());
        } catch (IllegalArgumentException e) {
          return refused(
              status,
              target,
              "bad redirect",
              "%s answered HTTP %d with a Location that is not an address: %s"
                  .formatted(target, status, location.get()),
              responseFile,
              started);
        }
        if (!sameOrigin(uri, next)) {
          return refused(
              status,
              target,
              "redirect refused",
              ("%s answered HTTP %d redirecting to another origin (%s); not followed, so the"
                      + " phase's headers and credentials do not reach another host: point the"
                      + " phase's url at the final address")
                  .formatted(target, status, next),
              responseFile,
              started);
        }
        if (redirects == MAX_REDIRECTS) {
          return refused(
              status,
              target,
              "too many redirects",
              "%s redirected more than %d times (last to %s)"
                  .formatted(spec.url(), MAX_REDIRECTS, next),
              responseFile,
              started);
        }
        if (status == 303 || ((status == 301 || status == 302) && "POST".equals(method))) {
          method = "GET";
        }
        uri = next;
        continue;
      }
      String excerpt = excerpt(target, status, responseFile);
      if (response.body().exceeded()) {
        return new Result(
            status,
            false,
            false,
            null,
            new Refusal(
                "response too large",
                ("%s answered HTTP %d with a body over %d bytes (%s); the first %d bytes are in"
                        + " the artifacts, the rest was not read")
                    .formatted(target, status, maxBodyBytes, MAX_BODY_SETTING, maxBodyBytes)),
            excerpt,
            null,
            elapsed(started));
      }
      return new Result(
          status,
          false,
          false,
          null,
          null,
          excerpt,
          HttpAnswer.retryAfterMillis(
              response.headers().firstValue("Retry-After").orElse(null), clock.instant()),
          elapsed(started));
    }
  }

  private static HttpRequest request(
      URI uri,
      String method,
      String body,
      Map<String, String> headers,
      HttpSpec spec,
      Duration timeout) {
    boolean withBody = !"GET".equals(method);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(
                method,
                withBody
                    ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
                    : HttpRequest.BodyPublishers.noBody());
    if (withBody) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    spec.headers().forEach(request::header);
    return request.build();
  }

  /** Same scheme, host and port (an absent port is the scheme's default). */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private Result refused(
      int status,
      String target,
      String errorType,
      String message,
      Path responseFile,
      long started) {
    return new Result(
        status,
        false,
        false,
        null,
        new Refusal(errorType, message),
        excerpt(target, status, responseFile),
        null,
        elapsed(started));
  }

  /** The request line, the status and a bounded excerpt of the body. */
  private String excerpt(String target, int status, Path responseFile) {
    BoundedOutput output = new BoundedOutput(outputLimit);
    try (InputStream in = Files.newInputStream(responseFile)) {
      output.drain(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + responseFile, e);
    }
    return "%s -> HTTP %d%n%s".formatted(target, status, output.text());
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
