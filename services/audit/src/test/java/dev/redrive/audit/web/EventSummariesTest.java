package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventSummariesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void automaticRetrySaysWhyAndUnderWhichPolicy() {
    String summary =
        EventSummaries.describe(
            "RetryScheduled",
            event(
                """
                {"payload": {"phase": "build", "attemptNumber": 2, "maxAttempts": 2, "delayMs": 925,
                 "reason": "SOFT failure COMMAND_FAILED: 1 failure counted, 2 attempts allowed",
                 "policy": "max 2 attempts",
                 "requestId": null, "requestedBy": null, "forced": false}}"""));

    assertThat(summary)
        .isEqualTo(
            "retry of build as attempt 2 of 2 in 925 ms, because \"SOFT failure COMMAND_FAILED:"
                + " 1 failure counted, 2 attempts allowed\"; policy: max 2 attempts; automatic");
  }

  @Test
  void requestedRetrySaysByWhomAndWhetherItWasForced() {
    String summary =
        EventSummaries.describe(
            "RetryScheduled",
            event(
                """
                {"payload": {"phase": "build", "attemptNumber": 3, "maxAttempts": 3, "delayMs": 0,
                 "reason": "requested", "policy": "max 2 attempts", "requestId": "r-1",
                 "requestedBy": "alice", "forced": true}}"""));

    assertThat(summary).endsWith("; requested by alice, forced (request r-1)");
  }

  @Test
  void pausesSayWhoPausedWhatAndWhyAndHowManyCommandsTheirEndReleased() {
    assertThat(
            EventSummaries.describe(
                "RetriesPaused",
                event(
                    """
                    {"payload": {"scope": "phase", "pipeline": "demo", "phase": "build",
                     "pausedExecutionId": null, "reason": "mirror down", "requestedBy": "alice"}}""")))
        .isEqualTo("alice paused the retries of phase build of pipeline demo: \"mirror down\"");
    assertThat(
            EventSummaries.describe(
                "RetriesUnpaused",
                event(
                    """
                    {"payload": {"scope": "all", "pipeline": null, "phase": null,
                     "pausedExecutionId": null, "releasedCommands": 7, "staggerMs": 2000,
                     "requestedBy": "bob", "note": null}}""")))
        .isEqualTo("bob unpaused every retry: 7 held commands released, 2000 ms apart");
  }

  @Test
  void aDeadLetterReplaySaysWhoReplayedWhatHowManyAndWhetherItWasADryRun() {
    String replayed =
        EventSummaries.describe(
            "DeadLettersReplayed",
            event(
                """
                {"payload": {"replayId": "r-1", "dryRun": false,
                 "selection": "topic=redrive.attempts reason~'not Avro'", "matched": 3,
                 "replayed": 2, "skipped": 1, "failed": 0, "forced": false,
                 "requestedBy": "alice", "note": "registry fixed"}}"""));
    String dryRun =
        EventSummaries.describe(
            "DeadLettersReplayed",
            event(
                """
                {"payload": {"replayId": "r-2", "dryRun": true, "selection": "key=exec_1",
                 "matched": 1, "replayed": 1, "skipped": 0, "failed": 0, "forced": true,
                 "requestedBy": null, "note": null}}"""));

    assertThat(replayed)
        .isEqualTo(
            "alice replayed 2 of 3 dead letters (topic=redrive.attempts reason~'not Avro');"
                + " 1 skipped, 0 failed: \"registry fixed\"");
    assertThat(dryRun)
        .isEqualTo(
            "someone dry-ran a replay: would replay 1 of 1 dead letters (key=exec_1), forced;"
                + " 0 skipped, 0 failed");
  }

  @Test
  void aPolicyChangeSaysWhoChangedWhatAndWhy() {
    String setWide =
        policyChanged(
            """
                {"payload": {"version": 4, "scope": "policies", "policyExecutionId": null,
                 "summary": "pipelines.demo.phases.build.maxAttempts 3 -> 6", "origin": "api",
                 "requestedBy": "alice", "reason": "flaky build runner"}}""");
    String override =
        policyChanged(
            """
                {"payload": {"version": 1, "scope": "execution", "policyExecutionId": "exec-1",
                 "summary": "maxAttempts (none) -> 9", "origin": "api", "requestedBy": null,
                 "reason": "give it more tries"}}""");
    String seeded =
        policyChanged(
            """
                {"payload": {"version": 2, "scope": "policies", "summary": "defaults.maxAttempts 2 -> 3",
                 "origin": "configuration", "requestedBy": null, "reason": "configuration changed"}}""");

    assertThat(setWide)
        .isEqualTo(
            "alice changed the retry policies (version 4):"
                + " pipelines.demo.phases.build.maxAttempts 3 -> 6; reason: \"flaky build runner\"");
    assertThat(override)
        .isEqualTo(
            "someone changed the retry policy of execution exec-1 (version 1):"
                + " maxAttempts (none) -> 9; reason: \"give it more tries\"");
    assertThat(seeded).startsWith("the configuration changed the retry policies (version 2)");
    String dropped =
        policyChanged(
            """
                {"payload": {"version": 2, "scope": "execution", "policyExecutionId": "exec-1",
                 "summary": "maxAttempts 9 -> (none)", "origin": "coordinator", "requestedBy": null,
                 "reason": "the execution succeeded; nothing is left to decide"}}""");
    assertThat(dropped)
        .startsWith("the coordinator changed the retry policy of execution exec-1 (version 2)");
  }

  @Test
  void refusalAndInterventionSayWhyNot() {
    assertThat(
            EventSummaries.describe(
                "RetryRejected",
                event(
                    """
                    {"payload": {"requestId": "r-2", "reason": "Cannot retry - process is not in failed status.",
                     "currentStatus": "RUNNING"}}""")))
        .isEqualTo(
            "retry refused: \"Cannot retry - process is not in failed status.\" (status RUNNING);"
                + " request r-2");
    assertThat(
            EventSummaries.describe(
                "InterventionRequired",
                event(
                    """
                    {"payload": {"phase": "build", "attemptNumber": 2, "maxAttempts": 2,
                     "failureType": "TIMEOUT", "reason": "attempts exhausted: 2 failures counted, 2 attempts allowed",
                     "recommendedAction": "redrive retry exec_1"}}""")))
        .isEqualTo(
            "build needs a person after attempt 2 of 2 (TIMEOUT): \"attempts exhausted: 2 failures counted, 2 attempts allowed\";"
                + " recommended: \"redrive retry exec_1\"");
  }

  @Test
  void retryRequestIsAFlatEventAndNamesWhoAskedWithWhatNote() {
    String summary =
        EventSummaries.describe(
            "RetryRequested",
            event(
                """
                {"eventId": "e", "requestId": "r", "mode": "RESUBMIT_AS_NEW", "force": false,
                 "resetCount": false, "fromPhase": "deploy", "note": "try the new mirror",
                 "requestedBy": "bob", "dryRun": true}"""));

    assertThat(summary)
        .isEqualTo(
            "bob asked for a retry (RESUBMIT_AS_NEW, from deploy, dry run): \"try the new mirror\"");
  }

  @Test
  void failureNamesItsTypeMessageAndFailedChecks() {
    String summary =
        EventSummaries.describe(
            "AttemptFailed",
            event(
                """
                {"payload": {"phase": "build", "attemptNumber": 1, "failureType": "EXIT_CRITERIA_NOT_MET",
                 "retryable": "SOFT", "errorMessage": "checks failed\\nsecond line",
                 "checks": [{"name": "tests", "passed": false}, {"name": "lint", "passed": true}]}}"""));

    assertThat(summary)
        .isEqualTo(
            "build attempt 1 failed: EXIT_CRITERIA_NOT_MET (SOFT) \"checks failed second line\";"
                + " failed checks: tests");
  }

  @Test
  void longTextsAreShortenedAndUnknownTypesNamedOnly() {
    String summary =
        EventSummaries.describe(
            "ExecutionCancelled",
            event("{\"payload\": {\"reason\": \"" + "x".repeat(500) + "\"}}"));

    assertThat(summary).hasSizeLessThan(250).endsWith("...\"");
    assertThat(EventSummaries.describe("SomethingNew", event("{}"))).isEqualTo("SomethingNew");
  }

  /** What the timeline says of a PolicyChanged event with this envelope. */
  private static String policyChanged(String json) {
    return EventSummaries.describe("PolicyChanged", event(json));
  }

  private static JsonNode event(String json) {
    return JSON.readTree(json);
  }
}
