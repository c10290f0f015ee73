package dev.redrive.runner.app;

import dev.redrive.runner.domain.HttpAnswer;
import dev.redrive.runner.domain.HttpSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the webhook call of an http phase. The answer's body is streamed to a file in the phase's
 * artifacts (so checks and later phases can read it); only a bounded excerpt is kept in memory.
 */
final class HttpCall {

  /** The http status, or why there is none. */
  record Result(
      Integer status,
      boolean timedOut,
      boolean stopped,
      String error,
      String excerpt,
      Long retryAfterMs,
      long durationMs) {}

  private final HttpClient client;
  private final int outputLimit;
  private final Clock clock;

  HttpCall(HttpClient client, int outputLimit, Clock clock) {
    this.client = client;
    this.outputLimit = outputLimit;
    this.clock = clock;
  }

  Result call(
      HttpSpec spec,
      String body,
      Map<String, String> headers,
      Path responseFile,
      PhaseControl control) {
    long started = System.nanoTime();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(spec.url())
            .timeout(spec.timeout())
            .method(
                spec.method(),
                "GET".equals(spec.method())
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (!"GET".equals(spec.method())) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    spec.headers().forEach(request::header);
    if (control.stopped()) {
      return new Result(null, false, true, "stopped before it started", "", null, 0);
    }
    CompletableFuture<HttpResponse<Path>> exchange =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofFile(responseFile));
    control.onStop(() -> exchange.cancel(true));
    try {
      HttpResponse<Path> response = exchange.get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new Result(
          response.statusCode(),
          false,
          false,
          null,
          excerpt(spec, response.statusCode(), responseFile),
          HttpAnswer.retryAfterMillis(
              response.headers().firstValue("Retry-After").orElse(null), clock.instant()),
          elapsed(started));
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return new Result(null, true, false, null, "", null, elapsed(started));
    } catch (CancellationException | ExecutionException e) {
      if (control.stopped()) {
        return new Result(null, false, true, "stopped", "", null, elapsed(started));
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      boolean timeout = cause instanceof HttpTimeoutException;
      return new Result(
          null,
          timeout,
          false,
          timeout ? null : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
          "",
          null,
          elapsed(started));
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return new Result(null, false, true, "interrupted", "", null, elapsed(started));
    } finally {
      control.clear();
    }
  }

  /** The request line, the status and a bounded excerpt of the body. */
  private String excerpt(HttpSpec spec, int status, Path responseFile) {
    BoundedOutput output = new BoundedOutput(outputLimit);
    try (InputStream in = Files.newInputStream(responseFile)) {
      output.drain(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + responseFile, e);
    }
    return "%s %s -> HTTP %d%n%s".formatted(spec.method(), spec.url(), status, output.text());
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
