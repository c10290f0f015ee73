package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventsAndReportTest extends AgainstFakeServices {

  private static final String STREAM = "GET /api/v1/executions/exec_abc123/events/stream";
  private static final String TIMELINE =
      "GET /api/v1/executions/exec_abc123/events?limit=500&offset=0";

  @Test
  void shouldListEventsOneLineEach() {
    audit.json(
        "GET /api/v1/executions/exec_abc123/events?limit=500&offset=0",
        200,
        "[" + Contract.STARTED_EVENT + ", " + Contract.FAILED_EVENT + "]");

    Cli.Result result = cli.run("events", "list", "exec_abc123");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "2026-11-23T15:41:51.268Z  ExecutionStarted",
            "2026-11-23T15:41:51.462Z  AttemptFailed          phase=build attemptNumber=1"
                + " failureType=COMMAND_FAILED errorMessage=error: cannot find module 'data'");
  }

  @Test
  void shouldPreferTheAuditsOwnSummaryOfAnEvent() {
    audit.json(
        "GET /api/v1/executions/exec_abc123/events?limit=500&offset=0",
        200,
        "["
            + Contract.FAILED_EVENT.replace(
                "\"source\"", "\"summary\": \"build attempt 1 failed: COMMAND_FAILED\", \"source\"")
            + "]");

    Cli.Result result = cli.run("events", "list", "exec_abc123");

    assertThat(result.outLines())
        .containsExactly(
            "2026-11-23T15:41:51.462Z  AttemptFailed          build attempt 1 failed: COMMAND_FAILED");
  }

  @Test
  void shouldPageThroughALongTimelineAndPrintItAsOneJsonArray() {
    audit.json(
        "GET /api/v1/executions/exec_abc123/events?limit=2&offset=1",
        200,
        "[" + Contract.STARTED_EVENT + ", " + Contract.FAILED_EVENT + "]");

    Cli.Result result =
        cli.run("events", "list", "exec_abc123", "--limit", "2", "--offset", "1", "--json");

    assertThat(result.exitCode()).isZero();
    assertThat(Json.parse(result.out()).size()).isEqualTo(2);
    assertThat(Json.parse(result.out()).get(1).path("eventId").asString()).isEqualTo("ev2");
  }

  @Test
  void shouldExitNotFoundWhenTheAuditHasNoEventOfTheExecution() {
    // the audit answers an empty timeline for an id it never saw
    audit.json("GET /api/v1/executions/exec_none/events?limit=500&offset=0", 200, "[]");

    Cli.Result result = cli.run("events", "list", "exec_none");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("No events for execution exec_none");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void shouldSaySoWhenNoEventIsLeftAfterTheOffset() {
    audit.json("GET /api/v1/executions/exec_abc123/events?limit=500&offset=7", 200, "[]");

    Cli.Result result = cli.run("events", "list", "exec_abc123", "--offset", "7");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("No events of exec_abc123 after the first 7.");
  }

  @Test
  void shouldPrintTheEventsOfAnExecutionThatEndedAndStopWithoutFollowingIt() {
    audit.json(
        TIMELINE,
        200,
        "["
            + Contract.STARTED_EVENT
            + ", "
            + Contract.event(
                "ev9", "ExecutionSucceeded", "2026-11-23T15:42:00Z", "{\"durationMs\": 9}")
            + "]");

    Cli.Result result =
        cli.run("events", "stream", "exec_abc123", "--until-end", "--reconnect-delay", "1ms");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines()).hasSize(2).last().asString().contains("ExecutionSucceeded");
    assertThat(audit.requests()).noneMatch(r -> r.uri().contains("/events/stream"));
  }

  @Test
  void shouldExitNotFoundWhenStreamingUntilTheEndOfAnExecutionWithoutEvents() {
    audit.json(TIMELINE, 200, "[]");

    Cli.Result result =
        cli.run("events", "stream", "exec_abc123", "--until-end", "--reconnect-delay", "1ms");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("No events for execution exec_abc123");
    assertThat(audit.requests()).noneMatch(r -> r.uri().contains("/events/stream"));
  }

  @Test
  void shouldExitFiveWhenTheAuditIsNotRunning() {
    audit.close();

    assertThat(cli.run("events", "list", "exec_abc123").exitCode())
        .isEqualTo(ExitCodes.UNREACHABLE);
  }

  @Test
  void shouldStreamEventsUntilTheExecutionNeedsAPerson() {
    // given an execution that was paused once and retried since, so it has not ended
    audit.json(
        TIMELINE,
        200,
        "["
            + Contract.STARTED_EVENT.replace("ev1", "ev0")
            + ", "
            + Contract.INTERVENTION_EVENT.replace("ev3", "ev0b")
            + ", "
            + Contract.event(
                "ev0c",
                "RetryScheduled",
                "2026-11-23T15:41:51.100Z",
                "{\"phase\": \"build\", \"attemptNumber\": 1}")
            + "]");
    // and a stream the server closes after one event, and that replays it on reconnection
    audit.eventStream(
        STREAM,
        List.of(sse("ev1", "ExecutionStarted", Contract.STARTED_EVENT), ": keep-alive\n\n"));
    audit.eventStream(
        STREAM,
        List.of(
            sse("ev1", "ExecutionStarted", Contract.STARTED_EVENT),
            sse("ev2", "AttemptFailed", Contract.FAILED_EVENT),
            sse("ev3", "InterventionRequired", Contract.INTERVENTION_EVENT),
            sse("ev4", "RetryRequested", Contract.STARTED_EVENT.replace("ev1", "ev4"))));

    // when
    Cli.Result result =
        cli.run("events", "stream", "exec_abc123", "--until-end", "--reconnect-delay", "1ms");

    // then every event is printed once, and nothing after the one that needs a person
    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines()).hasSize(6);
    assertThat(result.outLines().subList(3, 6))
        .containsExactly(
            "2026-11-23T15:41:51.268Z  ExecutionStarted",
            "2026-11-23T15:41:51.462Z  AttemptFailed          phase=build attemptNumber=1"
                + " failureType=COMMAND_FAILED errorMessage=error: cannot find module 'data'",
            "2026-11-23T15:41:53.020Z  InterventionRequired   phase=build attemptNumber=2"
                + " reason=attempts exhausted: 2 failures counted, 2 attempts allowed");
    assertThat(audit.requests()).hasSize(3);
    assertThat(audit.requests().get(1).headers())
        .containsEntry("accept", "text/event-stream")
        .containsEntry("last-event-id", "ev0c");
    assertThat(audit.requests().get(2).headers()).containsEntry("last-event-id", "ev1");
  }

  @Test
  void shouldStreamEachEventAsOneLineOfJson() {
    audit.json(TIMELINE, 200, "[" + Contract.FAILED_EVENT + "]");
    audit.eventStream(
        STREAM,
        List.of(
            sse("ev2", "AttemptFailed", Contract.FAILED_EVENT),
            sse("ev3", "InterventionRequired", Contract.INTERVENTION_EVENT)));

    Cli.Result result = cli.run("events", "stream", "exec_abc123", "--until-end", "--json");

    assertThat(result.outLines()).hasSize(2);
    assertThat(Json.parse(result.outLines().get(1)).path("type").asString())
        .isEqualTo("InterventionRequired");
  }

  @Test
  void shouldExitFourWhenTheStreamIsNotThere() {
    Cli.Result result = cli.run("events", "stream", "exec_abc123");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void shouldPrintTheErrorReport() {
    audit.text("GET /api/v1/executions/exec_abc123/report", 200, Contract.REPORT);

    Cli.Result result = cli.run("report", "exec_abc123");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo(Contract.REPORT);
  }

  @Test
  void shouldPrintTerminalEscapeSequencesOfPhaseOutputAsText() {
    // given a report whose phase output clears the screen and retitles the terminal
    audit.text(
        "GET /api/v1/executions/exec_abc123/report",
        200,
        "phase build failed\n\u001b[2J\u001b]0;pwned\u0007output\r\n");

    // when
    Cli.Result result = cli.run("report", "exec_abc123");

    // then no control character but newline reaches the terminal
    assertThat(result.out())
        .isEqualTo("phase build failed\n\\x1b[2J\\x1b]0;pwned\\x07output\\x0d\n");
  }

  @Test
  void shouldEscapeControlCharactersInEventLinesAndErrorMessages() {
    audit.json(
        "GET /api/v1/executions/exec_abc123/events?limit=500&offset=0",
        200,
        "[" + Contract.FAILED_EVENT.replace("cannot find module", "\\u001b[31mred") + "]");
    audit.json(
        "GET /api/v1/executions/exec_ok/report",
        404,
        "{\"title\": \"No report\", \"status\": 404, \"detail\": \"gone\\u001b[8m\"}");

    Cli.Result listed = cli.run("events", "list", "exec_abc123");
    Cli.Result failed = cli.run("report", "exec_ok");

    assertThat(listed.out())
        .contains("errorMessage=error: \\x1b[31mred 'data'")
        .doesNotContain("\u001b");
    assertThat(failed.err()).contains("gone\\x1b[8m").doesNotContain("\u001b");
  }

  @Test
  void shouldWrapTheReportInJsonWithJson() {
    audit.text("GET /api/v1/executions/exec_abc123/report", 200, Contract.REPORT);

    Cli.Result result = cli.run("report", "exec_abc123", "--json");

    assertThat(Json.parse(result.out()).path("report").asString()).isEqualTo(Contract.REPORT);
    assertThat(Json.parse(result.out()).path("executionId").asString()).isEqualTo("exec_abc123");
  }

  @Test
  void shouldExitFourWhenThereIsNoReport() {
    audit.json(
        "GET /api/v1/executions/exec_ok/report",
        404,
        "{\"title\": \"No report\", \"status\": 404, \"detail\": \"exec_ok has no error report.\"}");

    Cli.Result result = cli.run("report", "exec_ok");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("exec_ok has no error report.");
  }

  private static String sse(String id, String type, String data) {
    return "event: " + type + "\nid: " + id + "\ndata: " + data + "\n\n";
  }
}
