package dev.redrive.audit.runner;

import dev.redrive.audit.app.RunnerDiffs;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the phase-runner for a diff over HTTP ({@code redrive.audit.runner-url}, with its read token
 * {@code redrive.audit.runner-token}): a connect and a whole-request time-out, no redirect
 * followed, and an answer of at most {@code maxAnswerBytes} (a larger one is not read on). Counts
 * {@code redrive.audit.runner.diffs{outcome}}.
 */
public class HttpRunnerDiffs implements RunnerDiffs {

  private static final Logger log = LoggerFactory.getLogger(HttpRunnerDiffs.class);

  private final URI runner;
  private final String token;
  private final Duration timeout;
  private final int maxAnswerBytes;
  private final HttpClient http;
  private final JsonMapper json;
  private final MeterRegistry meters;

  /**
   * @param runner the runner's base URL, or null when none is set (then every diff is {@link
   *     Unavailable})
   * @param token the runner's read token, or blank when it needs none
   */
  public HttpRunnerDiffs(
      URI runner,
      String token,
      Duration timeout,
      int maxAnswerBytes,
      JsonMapper json,
      MeterRegistry meters) {
    // a base without a trailing slash would lose its last path segment when resolved against
    this.runner =
        runner == null || runner.toString().endsWith("/") ? runner : URI.create(runner + "/");
    this.token = token == null ? "" : token.strip();
    this.timeout = timeout;
    this.maxAnswerBytes = maxAnswerBytes;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.json = json;
    this.meters = meters;
  }

  @Override
  public Answer diff(String executionId, String phase, Integer a, Integer b) {
    Answer answer = ask(executionId, phase, a, b);
    String outcome =
        answer instanceof Compared
            ? "compared"
            : answer instanceof Refused ? "refused" : "unavailable";
    meters.counter("redrive.audit.runner.diffs", "outcome", outcome).increment();
    return answer;
  }

  private Answer ask(String executionId, String phase, Integer a, Integer b) {
    if (runner == null) {
      return new Unavailable(
          "the audit does not know where the phase-runner is (redrive.audit.runner-url is not set)");
    }
    String path =
        "api/v1/executions/%s/phases/%s/diff%s"
            .formatted(
                encode(executionId),
                encode(phase),
                a == null || b == null ? "" : "?a=" + a + "&b=" + b);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(runner.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<InputStream> response =
          http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(maxAnswerBytes + 1);
      }
      if (body.length > maxAnswerBytes) {
        return unavailable(
            "the phase-runner's answer is larger than %d bytes".formatted(maxAnswerBytes), null);
      }
      int status = response.statusCode();
      if (status == 200) {
        return new Compared(json.readTree(body));
      }
      if (status == 401 || status == 403) {
        return unavailable(
            "the phase-runner refused the audit's token (%d): set redrive.audit.runner-token to the"
                    .formatted(status)
                + " runner's read token",
            null);
      }
      if (status >= 400 && status < 500) {
        JsonNode problem = json.readTree(body);
        String detail = problem.path("detail").asString("");
        return new Refused(status, detail.isBlank() ? "HTTP " + status : detail);
      }
      return unavailable("the phase-runner answered HTTP " + status, null);
    } catch (HttpTimeoutException e) {
      return unavailable(
          "the phase-runner did not answer within " + timeout.toMillis() + " ms", null);
    } catch (IOException | JacksonException e) {
      return unavailable("the phase-runner could not be asked: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted while asking the phase-runner", null);
    }
  }

  private Unavailable unavailable(String why, Exception e) {
    log.warn("diff from the phase-runner {}: {}", runner, LogText.escape(why), e);
    return new Unavailable(why);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
