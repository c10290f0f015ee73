package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PageAttemptTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void saysTheErrorTypeAndTheFailedChecksOnceWhenTheMessageAlreadyHasThem() {
    PageAttempt attempt =
        failed(
            """
            {"failureType": "EXIT_CRITERIA_NOT_MET", "retryable": "SOFT",
             "errorType": "exit criteria not met",
             "errorMessage": "exit criteria not met: unit-tests",
             "checks": [{"name": "unit-tests", "passed": false}, {"name": "lint", "passed": true}],
             "durationMs": 0}""");

    assertThat(attempt.details()).isEqualTo("exit criteria not met: unit-tests");
  }

  @Test
  void namesTheErrorTypeAndTheFailedChecksTheMessageDoesNotHave() {
    PageAttempt attempt =
        failed(
            """
            {"failureType": "COMMAND_FAILED", "retryable": "SOFT",
             "errorType": "IOException", "errorMessage": "disk full",
             "checks": [{"name": "unit-tests", "passed": false}], "durationMs": 12}""");

    assertThat(attempt.details())
        .isEqualTo("IOException: disk full; failed checks: unit-tests (12 ms)");
  }

  private static PageAttempt failed(String payload) {
    JsonNode p = JSON.readTree(payload);
    PageAttempt attempt = new PageAttempt("build", 1);
    attempt.record(
        new TimelineEntry(
            "e-1",
            "exec_1",
            "AttemptFailed",
            "redrive.attempts",
            0,
            1L,
            "redrive-runner",
            Instant.parse("2026-12-06T10:00:00Z"),
            "demo",
            "EXIT_CRITERIA_NOT_MET",
            "",
            p),
        p);
    return attempt;
  }
}
