package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.contract.ExecutionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ExecutionPageTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant T0 = Instant.parse("2026-11-23T15:41:51Z");

  private final List<TimelineEntry> timeline = new ArrayList<>();

  @Test
  void escapesEverythingAnEventSays() {
    add("AttemptStarted", "{\"phase\": \"build\", \"attemptNumber\": 1}");
    add(
        "AttemptFailed",
        """
        {"phase": "build", "attemptNumber": 1, "failureType": "COMMAND_FAILED", "retryable": "SOFT",
         "errorMessage": "<script>alert('x')</script> & more"}""");

    String page = ExecutionPage.render("exec_<b>", timeline);

    assertThat(page)
        .doesNotContain("<script>alert")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more")
        .contains("<code id=\"execution-id\">exec_&lt;b&gt;</code>");
  }

  @Test
  void retryShowsTheContextItsCommandCarried() {
    add(
        "AttemptFailed",
        "{\"phase\": \"build\", \"attemptNumber\": 1, \"failureType\": \"TIMEOUT\"}");
    add(
        "RetryContextAssembled",
        """
        {"commandId": "cmd-2", "context": {"phase": "build", "currentAttempt": 2, "maxAttempts": 3,
         "guidance": "Be quicker.", "notes": ["from carol"],
         "priorAttempts": [{"attemptNumber": 1, "failureType": "TIMEOUT", "message": "too slow",
           "failedChecks": []}]}}""");
    add("AttemptStarted", "{\"phase\": \"build\", \"attemptNumber\": 2, \"commandId\": \"cmd-2\"}");

    String page = ExecutionPage.render("exec_1", timeline);

    assertThat(page)
        .contains("<td>attempt 1 of 3</td>", "<td>attempt 2 of 3</td>")
        .contains("Retry context carried by build attempt 2")
        .contains("<pre class=\"guidance\">Be quicker.</pre>")
        .contains("<li>Attempt 1: <span class=\"failure-type\">TIMEOUT</span> too slow</li>")
        .contains("<ul class=\"notes\"><li>from carol</li></ul>")
        .contains("No person has acted on this execution.");
    assertThat(ExecutionPage.status(timeline)).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void statusFollowsTheLastEventThatChangesIt() {
    add("AttemptFailed", "{\"phase\": \"build\", \"attemptNumber\": 2}");
    add("InterventionRequired", "{\"phase\": \"build\", \"attemptNumber\": 2}");
    add("CheckpointCreated", "{\"phase\": \"prepare\", \"files\": {}}");

    assertThat(ExecutionPage.status(timeline)).isEqualTo(ExecutionStatus.PAUSED);
  }

  @Test
  void aFailedAttemptHaltsTheExecutionUntilTheCoordinatorDecides() {
    add("AttemptFailed", "{\"phase\": \"build\", \"attemptNumber\": 1}");

    assertThat(ExecutionPage.status(timeline)).isEqualTo(ExecutionStatus.HALTED);

    add("RetryScheduled", "{\"phase\": \"build\", \"attemptNumber\": 2, \"maxAttempts\": 2}");

    assertThat(ExecutionPage.status(timeline)).isEqualTo(ExecutionStatus.RETRY_SCHEDULED);
  }

  @Test
  void anAttemptWhoseBoundNoDecisionNamedShowsItsNumberAlone() {
    add(
        "AttemptFailed",
        "{\"phase\": \"build\", \"attemptNumber\": 1, \"failureType\": \"TIMEOUT\"}");

    assertThat(ExecutionPage.render("exec_1", timeline)).contains("<td>attempt 1</td>");
  }

  @Test
  void humanActionsListCancelsResubmissionsAndRetriesWithTheirNotes() {
    add(
        "RetryScheduled",
        "{\"phase\": \"build\", \"attemptNumber\": 2, \"reason\": \"SOFT failure\"}");
    add(
        "RetryScheduled",
        """
        {"phase": "build", "attemptNumber": 3, "reason": "requested", "requestId": "r-1",
         "requestedBy": "alice", "note": "the schema was migrated"}""");
    add("RetryRejected", "{\"reason\": \"not failed\", \"requestedBy\": \"erin\"}");
    add("RolledBack", "{\"toPhase\": \"build\", \"clearedPhases\": []}");
    add(
        "ExecutionResubmitted",
        """
        {"requestId": "r-2", "originalExecutionId": "exec_1", "newExecutionId": "exec_2",
         "requestedBy": "carol"}""");
    add("Cancel", "{\"reason\": \"wrong input\", \"requestedBy\": \"dave\"}");
    add("ExecutionCancelled", "{\"reason\": \"wrong input\", \"requestedBy\": \"dave\"}");
    add("ExecutionCancelled", "{\"reason\": \"cancelled by bob\", \"requestedBy\": \"bob\"}");

    assertThat(HumanActions.of(timeline))
        .extracting(a -> a.who() + " " + a.type() + ": " + a.note())
        .containsExactly(
            "alice RetryScheduled: the schema was migrated",
            "erin RetryRejected: null",
            "carol ExecutionResubmitted: null",
            "dave Cancel: wrong input",
            "bob ExecutionCancelled: cancelled by bob");
    assertThat(ExecutionPage.render("exec_1", timeline))
        .contains("<td class=\"who\">bob</td>", "<td class=\"note\">the schema was migrated</td>")
        .contains("execution cancelled by bob: &quot;cancelled by bob&quot;")
        .doesNotContain("No person has acted");
  }

  private void add(String type, String payloadJson) {
    JsonNode event = JSON.readTree("{\"payload\": " + payloadJson + "}");
    timeline.add(
        new TimelineEntry(
            "event-" + timeline.size(),
            "exec_1",
            type,
            "redrive.attempts",
            0,
            timeline.size(),
            "test",
            T0.plusSeconds(timeline.size()),
            "demo",
            null,
            EventSummaries.describe(type, event),
            event));
  }
}
