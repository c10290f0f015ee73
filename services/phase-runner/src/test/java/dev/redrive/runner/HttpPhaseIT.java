package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.Retryability;
import dev.redrive.runner.TestWebhook.Answer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webhook phases against a real HTTP server: 2xx succeeds, 5xx and timeouts are SOFT failures, 4xx
 * is HARD, and a retry's context travels in the request body.
 */
class HttpPhaseIT {

  private final RunnerHarness runner = RunnerHarness.shared();
  private final TestWebhook webhook = TestWebhook.shared();

  private static String who(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void answerWith2xxSucceedsAndTheBodyTemplateCarriesTheInputs() {
    String who = who("ok");
    webhook.answer(who, Answer.of(200, "{\"status\": \"accepted\"}"));

    String executionId = runner.start("webhook", Map.of("who", who));

    runner.awaitStatus(executionId, "SUCCEEDED");
    TestWebhook.Request request = webhook.requests(who).get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/hooks/notify");
    assertThat(request.headers().get("X-test")).containsExactly("redrive");
    assertThat(request.headers().get("Redrive-execution-id")).containsExactly(executionId);
    JsonNode body = RunnerHarness.json(request.body());
    assertThat(body.path("who").asString()).isEqualTo(who);
    assertThat(body.path("attempt").asInt()).isEqualTo(1);
    assertThat(body.path("context").isNull()).isTrue();
    assertThat(runner.workspace(executionId).resolve("artifacts/notify/http-response.body"))
        .hasContent("{\"status\": \"accepted\"}");
  }

  @Test
  void answerWith5xxIsASoftFailureThatKeepsTheRetryAfter() {
    String who = who("busy");
    webhook.answer(who, new Answer(503, "overloaded", "7", null));

    AttemptFailed failed =
        runner
            .awaitEvents(runner.start("webhook", Map.of("who", who)), AttemptFailed.class, 1)
            .get(0);

    assertThat(failed.getFailureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
    assertThat(failed.getErrorType()).isEqualTo("HTTP 503");
    assertThat(failed.getRetryAfterMs()).isEqualTo(7000L);
    assertThat(failed.getAttributes()).containsEntry("redrive.http.status", "503");
    assertThat(failed.getLogExcerpt()).contains("-> HTTP 503", "overloaded");
  }

  @Test
  void answerWith4xxIsAHardFailure() {
    String who = who("wrong");
    webhook.answer(who, Answer.of(422, "unknown recipient"));

    AttemptFailed failed =
        runner
            .awaitEvents(runner.start("webhook", Map.of("who", who)), AttemptFailed.class, 1)
            .get(0);

    assertThat(failed.getFailureType()).isEqualTo(FailureType.COMMAND_FAILED);
    assertThat(failed.getRetryable()).isEqualTo(Retryability.HARD);
    assertThat(failed.getErrorType()).isEqualTo("HTTP 422");
    assertThat(failed.getErrorMessage()).contains("answered HTTP 422");
  }

  @Test
  void noAnswerWithinTheTimeoutIsASoftTimeout() {
    String who = who("slow");
    CountDownLatch release = new CountDownLatch(1);
    webhook.answer(who, new Answer(200, "accepted", null, release));
    try {
      AttemptFailed failed =
          runner
              .awaitEvents(runner.start("webhook", Map.of("who", who)), AttemptFailed.class, 1)
              .get(0);

      assertThat(failed.getFailureType()).isEqualTo(FailureType.TIMEOUT);
      assertThat(failed.getRetryable()).isEqualTo(Retryability.SOFT);
      assertThat(failed.getErrorMessage()).contains("got no answer within PT1S");
    } finally {
      release.countDown();
    }
  }

  @Test
  void retryOfAWebhookPhaseSendsTheRetryContextInTheBody() {
    // given a webhook that fails once, then accepts
    String who = who("retry");
    webhook.answer(who, Answer.of(502, "bad gateway"), Answer.of(200, "accepted"));
    String executionId = runner.start("webhook", Map.of("who", who));
    runner.awaitEvents(executionId, AttemptFailed.class, 1);

    // when the coordinator retries it with a context
    String commandId = UUID.randomUUID().toString();
    runner.send(
        RunnerHarness.retryCommand(executionId, "notify", 2, 2, commandId, "send it once more"));

    // then the second request carries that context, and the execution ends
    runner.awaitStatus(executionId, "SUCCEEDED");
    JsonNode second = RunnerHarness.json(webhook.requests(who).get(1).body());
    assertThat(second.path("attempt").asInt()).isEqualTo(2);
    assertThat(second.path("context").path("commandId").asString()).isEqualTo(commandId);
    assertThat(second.path("context").path("guidance").asString()).isEqualTo("send it once more");
    assertThat(second.path("context").path("priorAttempts").get(0).path("failureType").asString())
        .isEqualTo("COMMAND_FAILED");
  }

  @Test
  void phaseWithoutABodyTemplateSendsTheDefaultJsonBody() {
    String who = who("default");
    webhook.answer(who, Answer.of(204, ""));

    String executionId = runner.start("webhook-default-body", Map.of("who", who));

    runner.awaitStatus(executionId, "SUCCEEDED");
    JsonNode body = RunnerHarness.json(webhook.requests(who).get(0).body());
    assertThat(body.path("executionId").asString()).isEqualTo(executionId);
    assertThat(body.path("pipeline").asString()).isEqualTo("webhook-default-body");
    assertThat(body.path("phase").asString()).isEqualTo("call");
    // the phase declares no max-attempts: its bound is the coordinator's to know
    assertThat(body.path("maxAttempts").isNull()).isTrue();
    assertThat(webhook.requests(who).get(0).headers()).doesNotContainKey("Redrive-max-attempts");
    assertThat(body.path("inputs").path("who").asString()).isEqualTo(who);
    assertThat(body.path("context").isNull()).isTrue();
  }
}
