package dev.redrive.cli;

/** Answers shaped as docs/rest-api.md describes them, for the fake services. */
final class Contract {

  private Contract() {}

  static final String PAUSED_EXECUTION =
      """
      {"executionId": "exec_abc123", "pipeline": "demo", "source": "redrive-runner",
       "status": "PAUSED", "currentPhase": "build",
       "lastError": "COMMAND_FAILED: error: cannot find module 'data'\\nsecond line",
       "failedAttemptsByPhase": {"build": 2},
       "attempts": [
         {"attemptId": "att_1", "executionId": "exec_abc123", "phase": "prepare",
          "attemptNumber": 1, "outcome": "SUCCEEDED", "commandId": null, "failureType": null,
          "errorMessage": null, "exitCode": null, "durationMs": 31,
          "artifactsLocation": null, "occurredAt": "2026-11-23T15:41:51.334Z"},
         {"attemptId": "att_2", "executionId": "exec_abc123", "phase": "build",
          "attemptNumber": 1, "outcome": "FAILED", "commandId": null,
          "failureType": "COMMAND_FAILED", "errorMessage": "error: cannot find module 'data'",
          "exitCode": 3, "durationMs": 112,
          "artifactsLocation": "artifacts/_failed/build/attempt-1/",
          "occurredAt": "2026-11-23T15:41:51.462Z"},
         {"attemptId": "att_3", "executionId": "exec_abc123", "phase": "build",
          "attemptNumber": 2, "outcome": "FAILED", "commandId": "cmd_9",
          "failureType": "COMMAND_FAILED", "errorMessage": "error: cannot find module 'data'",
          "exitCode": 3, "durationMs": 98,
          "artifactsLocation": "artifacts/_failed/build/attempt-2/",
          "occurredAt": "2026-11-23T15:41:53.001Z"}
       ],
       "chain": [
         {"phase": "prepare", "state": "COMPLETED", "outputs": {"artifacts/prepare/data.txt": "ab12"},
          "lastError": null},
         {"phase": "build", "state": "FAILED", "outputs": {},
          "lastError": "COMMAND_FAILED: error: cannot find module 'data'"},
         {"phase": "deploy", "state": "PENDING", "outputs": {}, "lastError": null}
       ],
       "createdAt": "2026-11-23T15:41:51.268Z", "updatedAt": "2026-11-23T15:41:53.010Z"}
      """;

  static final String PAUSED_STATUS =
      """
      {"executionId": "exec_abc123", "status": "PAUSED", "currentPhase": "build",
       "lastError": "COMMAND_FAILED: error: cannot find module 'data'"}""";

  static final String RUNNING_STATUS =
      """
      {"executionId": "exec_abc123", "status": "RUNNING", "currentPhase": "build",
       "lastError": null}""";

  static final String RETRIED_IN_PLACE =
      """
      {"requestId": "5b7c", "executionId": "exec_abc123", "mode": "RETRY_IN_PLACE",
       "phase": "build", "status": "queued", "forced": false, "countReset": false,
       "message": "Retry started: exec_abc123 from phase build"}""";

  static final String RESUBMITTED =
      """
      {"requestId": "5b7d", "executionId": "exec_xyz789", "originalExecutionId": "exec_abc123",
       "mode": "RESUBMIT_AS_NEW", "status": "queued", "message": "Retry started: exec_xyz789"}""";

  static final String DRY_RUN =
      """
      {"dryRun": true, "executionId": "exec_abc123", "phasesToRun": ["build", "deploy"],
       "wouldResetCount": true}""";

  static final String REFUSED =
      """
      {"type": "about:blank", "title": "Cannot retry", "status": 409,
       "detail": "Cannot retry - process is not in failed status. Current status: RUNNING. Retry is only available for failed processes; use force to retry anyway.",
       "instance": "/api/v1/executions/exec_abc123/retry", "currentStatus": "RUNNING"}""";

  static final String NOT_RUNNABLE =
      """
      {"type": "about:blank", "title": "Cannot retry now", "status": 409,
       "detail": "Cannot retry in place - the execution was cancelled. Resume it from a phase instead (fromPhase with force; in the CLI --from PHASE --force) or resubmit it as new (--new).",
       "instance": "/api/v1/executions/exec_abc123/retry", "currentStatus": "CANCELLED"}""";

  static final String UNKNOWN_PHASE =
      """
      {"title": "Unknown phase", "status": 400,
       "detail": "No phase 'biuld' in pipeline demo; valid phases: prepare, build, deploy",
       "validPhases": ["prepare", "build", "deploy"]}""";

  static final String UNAUTHORIZED =
      """
      {"title": "Unauthorized", "status": 401, "detail": "Missing or wrong API token."}""";

  static final String EXECUTION_NOT_FOUND =
      """
      {"title": "Execution not found", "status": 404,
       "detail": "No execution 'exec_nope': the coordinator knows an execution once an attempt of it was reported."}""";

  static final String ATTEMPT_WITH_CONTEXT =
      """
      {"attempt": {"attemptId": "att_3", "executionId": "exec_abc123", "phase": "build",
         "attemptNumber": 2, "outcome": "SUCCEEDED", "commandId": "cmd_9", "failureType": null,
         "errorMessage": null, "exitCode": null, "durationMs": 24, "artifactsLocation": null,
         "occurredAt": "2026-11-23T15:41:52.680Z"},
       "context": {"executionId": "exec_abc123", "phase": "build", "currentAttempt": 2,
         "maxAttempts": 2,
         "priorAttempts": [{"attemptId": "att_2", "attemptNumber": 1,
           "failureType": "COMMAND_FAILED", "errorType": "exit code", "message":
           "error: cannot find module 'data' (expected artifacts/prepare/data.txt)",
           "exitCode": 3, "failedChecks": [{"name": "tests", "passed": false,
             "outputExcerpt": "1 of 4 tests failed"}], "durationMs": 112,
           "artifactsLocation": "artifacts/_failed/build/attempt-1/",
           "occurredAt": "2026-11-23T15:41:51.462Z"}],
         "notes": ["alice: the data file is generated by prepare"],
         "guidance": "This is attempt 2 of 2 for phase 'build'.\\nAttempt 1 failed with COMMAND_FAILED.",
         "truncated": false}}""";

  static final String STARTED =
      """
      {"executionId": "exec_new1", "pipeline": "demo", "status": "RUNNING"}""";

  static final String UNKNOWN_PIPELINE =
      """
      {"title": "Unknown pipeline", "status": 400,
       "detail": "Unknown pipeline 'dmeo'; known pipelines: always-fails, demo"}""";

  static String event(String id, String type, String occurredAt, String payload) {
    return """
        {"eventId": "%s", "type": "%s", "topic": "redrive.attempts", "partition": 0,
         "offset": 1, "source": "redrive-runner", "occurredAt": "%s",
         "payload": {"eventId": "%s", "executionId": "exec_abc123", "payload": %s}}"""
        .formatted(id, type, occurredAt, id, payload)
        .replace("\n", "");
  }

  static final String FAILED_EVENT =
      event(
          "ev2",
          "AttemptFailed",
          "2026-11-23T15:41:51.462Z",
          "{\"phase\": \"build\", \"attemptNumber\": 1, \"failureType\": \"COMMAND_FAILED\","
              + " \"errorMessage\": \"error: cannot find module 'data'\"}");

  static final String STARTED_EVENT =
      event("ev1", "ExecutionStarted", "2026-11-23T15:41:51.268Z", "{\"pipeline\": \"demo\"}");

  static final String INTERVENTION_EVENT =
      event(
          "ev3",
          "InterventionRequired",
          "2026-11-23T15:41:53.020Z",
          "{\"phase\": \"build\", \"attemptNumber\": 2, \"reason\": \"attempts exhausted: 2 failures counted, 2 attempts allowed\"}");

  static final String REPORT =
      """
      ============================================================
      ERROR REPORT
      ============================================================
      Stage: build
      Attempt: 2/2
      Error Type: COMMAND_FAILED
      """;
}
