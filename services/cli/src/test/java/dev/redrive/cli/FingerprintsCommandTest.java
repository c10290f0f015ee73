package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintsCommandTest extends AgainstFakeServices {

  private static final String NEVER =
      """
      {"fingerprint": "fp_3f9a1c2b7d4e", "class": "COMMAND_FAILED/exit code <n>",
       "text": "COMMAND_FAILED: exit code <n>: lockfile <path> is stale",
       "failureType": "COMMAND_FAILED", "pipeline": "demo", "phase": "build", "source": "runner",
       "failures": 28, "executions": 14, "firstSeen": "2026-12-05T08:00:00Z",
       "lastSeen": "2026-12-06T10:00:00Z", "retries": 14, "retriesSucceeded": 0,
       "successRate": 0.0,
       "suggestion": {"text": "retries of this failure succeeded 0 of 14 times: mark COMMAND_FAILED non-retryable for phase build of pipeline demo",
                      "policyChange": {"pipelines": {"demo": {"phases": {"build": {"nonRetryable": ["COMMAND_FAILED"]}}}}}}}""";

  private static final String FLAKY =
      """
      {"fingerprint": "fp_0a1b2c3d4e5f", "class": "TIMEOUT", "text": "TIMEOUT: timed out after <n>s",
       "failureType": "TIMEOUT", "pipeline": null, "phase": "charge", "source": "billing",
       "failures": 3, "executions": 3, "firstSeen": "2026-12-06T09:00:00Z",
       "lastSeen": "2026-12-06T09:30:00Z", "retries": 3, "retriesSucceeded": 2,
       "successRate": 0.6666, "suggestion": null}""";

  @Test
  void shouldListFingerprintsWithTheirRetriesAndTheSuggestion() {
    coordinator.json(
        "GET /api/v1/fingerprints?pipeline=demo&since=24h&limit=20",
        200,
        "{\"since\": \"2026-12-05T10:00:00Z\", \"fingerprints\": [%s, %s], \"next\": null}"
            .formatted(NEVER, FLAKY));

    Cli.Result result = cli.run("fingerprints", "--pipeline", "demo", "--since", "24h");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines().get(0)).startsWith("FINGERPRINT").contains("RETRIES OK");
    assertThat(result.outLines().get(1))
        .startsWith("fp_3f9a1c2b7d4e")
        .contains("demo/build", "28", "0 of 14 (0%)", "lockfile <path> is stale");
    assertThat(result.outLines().get(2)).contains("(billing)/charge", "2 of 3 (67%)");
    assertThat(result.out())
        .contains("Suggestion for fp_3f9a1c2b7d4e: retries of this failure succeeded 0 of 14 times")
        .contains(
            "policy change: {\"pipelines\":{\"demo\":{\"phases\":{\"build\":{\"nonRetryable\":[\"COMMAND_FAILED\"]}}}}}");
  }

  @Test
  void shouldPrintJsonLinesAndShowOneFingerprint() {
    coordinator.json(
        "GET /api/v1/fingerprints?limit=5",
        200,
        "{\"since\": \"2026-11-29T10:00:00Z\", \"fingerprints\": [%s], \"next\": 5}"
            .formatted(NEVER));
    coordinator.json(
        "GET /api/v1/fingerprints/fp_3f9a1c2b7d4e?since=30d",
        200,
        """
        {"fingerprint": "fp_3f9a1c2b7d4e", "since": "2026-11-06T10:00:00Z", "phases": [%s],
         "latest": [{"executionId": "exec_1", "pipeline": "demo", "phase": "build",
                     "attemptNumber": 2, "occurredAt": "2026-12-06T10:00:00Z",
                     "message": "lockfile /srv/yarn.lock is stale", "nextAttempt": null}]}"""
            .formatted(NEVER));

    Cli.Result lines = cli.run("fingerprints", "--limit", "5", "-o", "jsonl");
    Cli.Result one = cli.run("fingerprints", "show", "fp_3f9a1c2b7d4e", "--since", "30d");

    assertThat(lines.outLines()).hasSize(1);
    assertThat(Json.parse(lines.outLines().get(0)).path("failures").asInt()).isEqualTo(28);
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out())
        .contains("demo/build: 28 failures in 14 executions")
        .contains("Suggestion: retries of this failure succeeded 0 of 14 times")
        .contains("exec_1", "none yet", "lockfile /srv/yarn.lock is stale");
  }

  @Test
  void shouldRefuseWhatIsNotAFingerprintOrALimitBeforeAnyRequest() {
    Cli.Result notAnId = cli.run("fingerprints", "show", "../../etc");
    Cli.Result limit = cli.run("fingerprints", "--limit", "500");

    assertThat(notAnId.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notAnId.err()).contains("is not a fingerprint: fp_ and 12 hex digits");
    assertThat(limit.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(limit.err()).contains("--limit must be 1-200, was 500");
  }
}
