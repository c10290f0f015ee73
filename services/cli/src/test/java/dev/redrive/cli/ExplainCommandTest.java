package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExplainCommandTest extends AgainstFakeServices {

  /** What the coordinator answers for a paused execution (shape of ExplainExecution). */
  static final String PAUSED =
      """
      {"execution": {"executionId": "exec_abc123", "pipeline": "demo", "source": "redrive-runner",
        "status": "PAUSED", "currentPhase": "build", "lastError": "COMMAND_FAILED: exit 1"},
       "last": {"phase": "build", "attemptNumber": 3, "outcome": "INTERVENE",
        "cause": "ATTEMPTS_EXHAUSTED", "reason": "attempts exhausted: 3 failures counted, 3 attempts allowed",
        "decidedAt": "2026-12-06T10:00:00Z", "dueAt": null, "declared": null,
        "why": {"policy": "maxAttempts=3, backoff 1000ms x2.0 up to 300000ms, jitter FULL",
          "policyVersion": 4,
          "origins": {"maxAttempts": "phase demo/build", "initialInterval": "default",
                      "multiplier": "default", "maxInterval": "default", "jitter": "default",
                      "nonRetryable": "default", "deadline": "default"},
          "failuresCounted": 3, "maxAttempts": 3, "budget": [], "delay": null, "fingerprint": null,
          "wouldChange": ["under maxAttempts=3 (set by phase demo/build): with maxAttempts 4 or more this failure would have been retried",
                          "a retry with a reset count starts counting again: redrive retry exec_abc123 --reset-count"]}},
       "next": {"phase": "build", "waitingFor": "a person: redrive retry exec_abc123 (--reset-count to count again, --from PHASE to go back)",
        "dueAt": null, "onNextFailure": "pause for a person: failure 4 would use up maxAttempts=3 (set by phase demo/build)",
        "policy": "maxAttempts=3, backoff 1000ms x2.0 up to 300000ms, jitter FULL", "policyVersion": 4,
        "origins": {"maxAttempts": "phase demo/build", "initialInterval": "default"},
        "failuresCounted": 3, "maxAttempts": 3,
        "budget": ["pipeline demo: 1 retries for 9 attempts in the last 60s; budget 20% (10 retries always allowed): one more retry fits"]}}
      """;

  @Test
  void shouldSayWhyTheExecutionPausedAndWhatWouldChangeIt() {
    coordinator.json("GET /api/v1/executions/exec_abc123/explain", 200, PAUSED);

    Cli.Result result = cli.run("explain", "exec_abc123");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .contains(
            "Last decision: INTERVENE (ATTEMPTS_EXHAUSTED) about attempt 3 of build, at"
                + " 2026-12-06T10:00:00Z",
            "  Set by:   phase demo/build: maxAttempts; default: initialInterval, multiplier,"
                + " maxInterval, jitter, nonRetryable, deadline",
            "  What would change it:",
            "    - a retry with a reset count starts counting again: redrive retry exec_abc123"
                + " --reset-count",
            "Next:");
    assertThat(result.out())
        .contains("If build fails again:  pause for a person: failure 4 would use up maxAttempts=3")
        .contains("Budget now:")
        .contains("(version 4)");
  }

  @Test
  void shouldExitFourForAnUnknownExecution() {
    coordinator.json("GET /api/v1/executions/exec_nope/explain", 404, Contract.EXECUTION_NOT_FOUND);

    Cli.Result result = cli.run("explain", "exec_nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }
}
