package dev.redrive.runner.phase;

import dev.redrive.runner.app.PhaseRunner.PhaseRun;
import dev.redrive.runner.domain.AttemptOutcome;
import dev.redrive.runner.domain.BodyTemplate;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.HttpAnswer;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.http.HttpCall;
import dev.redrive.runner.workspace.Workspace;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handler of an http phase: renders the body, calls the webhook and classifies the answer (2xx
 * done; 5xx, 408 and 429 SOFT with their {@code Retry-After}; other statuses and refused answers
 * HARD).
 */
final class WebhookPhase {

  private final HttpCall http;

  WebhookPhase(HttpCall http) {
    this.http = http;
  }

  Handled call(PhaseRun request, Workspace workspace, HttpSpec spec) {
    Phase phase = request.phase();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("execution.id", request.executionId());
    values.put("pipeline", request.pipeline().name());
    values.put("phase", phase.name());
    values.put("attempt", Integer.toString(request.attempt()));
    values.put("maxAttempts", String.valueOf(request.maxAttempts()));
    for (String input : phase.inputs()) {
      values.put("input." + input, request.parameters().getOrDefault(input, ""));
    }
    String template = spec.body() != null ? spec.body() : BodyTemplate.defaultFor(phase);
    String body = BodyTemplate.render(template, values, request.contextJson());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Redrive-Execution-Id", request.executionId());
    headers.put("Redrive-Phase", phase.name());
    headers.put("Redrive-Attempt", Integer.toString(request.attempt()));
    if (request.maxAttempts() != null) {
      headers.put("Redrive-Max-Attempts", Integer.toString(request.maxAttempts()));
    }
    Path responseFile =
        workspace.resolve(phase.artifactsDir()).resolve(PhaseExecutor.HTTP_RESPONSE_FILE);
    HttpCall.Result result = http.call(spec, body, headers, responseFile, request.control());
    String target = spec.method() + " " + spec.url();
    if (result.stopped()) {
      return new Handled(null, result.excerpt(), result.durationMs(), null, null);
    }
    if (result.timedOut()) {
      return Handled.failed(
          Handled.failure(
              FailureType.TIMEOUT,
              false,
              "timeout",
              "%s got no answer within %s".formatted(target, spec.timeout()),
              null,
              List.of(),
              "",
              result.durationMs()));
    }
    if (result.error() != null) {
      return Handled.failed(
          Handled.failure(
              FailureType.INFRASTRUCTURE,
              false,
              "could not call",
              "could not call %s: %s".formatted(target, result.error()),
              null,
              List.of(),
              "",
              result.durationMs()));
    }
    int status = result.status();
    if (result.refusal() != null) {
      return Handled.failed(
          new AttemptOutcome(
              FailureType.COMMAND_FAILED,
              true,
              result.refusal().errorType(),
              result.refusal().message(),
              null,
              List.of(),
              result.excerpt(),
              result.durationMs(),
              null,
              Map.of(AttemptOutcome.HTTP_STATUS, Integer.toString(status))));
    }
    HttpAnswer.Verdict verdict = HttpAnswer.verdict(status);
    if (verdict == HttpAnswer.Verdict.SUCCESS) {
      return new Handled(
          null, result.excerpt(), result.durationMs(), null, Integer.toString(status));
    }
    boolean hard = verdict == HttpAnswer.Verdict.HARD_FAILURE;
    AttemptOutcome failed =
        new AttemptOutcome(
            FailureType.COMMAND_FAILED,
            hard,
            "HTTP " + status,
            "%s answered HTTP %d (%s)"
                .formatted(target, status, hard ? "the request is wrong" : "try again later"),
            null,
            List.of(),
            result.excerpt(),
            result.durationMs(),
            hard ? null : result.retryAfterMs(),
            Map.of(AttemptOutcome.HTTP_STATUS, Integer.toString(status)));
    return Handled.failed(failed);
  }
}
