package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.audit.app.RunnerDiffs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The comparison page with the runner's recorded answer (escaped), and its fallback on the audit's
 * own events when the runner cannot be asked; the execution page's links to it.
 */
class AttemptDiffPageTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant T0 = Instant.parse("2026-11-23T15:41:51Z");

  private final List<TimelineEntry> timeline = new ArrayList<>();

  @Test
  void shouldShowTheRunnersDiffEscaped() {
    JsonNode recorded = JSON.readTree(resource("/runner-diff.json"));

    String page =
        AttemptDiffPage.render(
            "exec_1", "build", List.of(), null, null, new RunnerDiffs.Compared(recorded));

    assertThat(page)
        .doesNotContain("<script>alert", "<b>fast</b>")
        .contains("broke on run 2 &lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("<p id=\"inputs\">unchanged: the same declared parameters and input files</p>")
        .contains("<p id=\"failure\">message differs</p>")
        .contains("<li class=\"added\">+ run-2.txt</li>")
        .contains("<li class=\"changed\">~ report.txt (36 → 36 bytes)</li>")
        .contains("<span class=\"del\">-run 1 in fast mode</span>")
        .contains("<span class=\"add\">+run 2 in &lt;b&gt;fast&lt;/b&gt; mode</span>")
        .doesNotContain("files-not-compared");
  }

  @Test
  void shouldShowTheEventsFactsSideBySideAndSayWhyTheFilesAreNotCompared() {
    failed(1, "broke on run 1", "aaa", "bbb");
    failed(2, "broke on <run> 2", "aaa", "ccc");

    String page =
        AttemptDiffPage.render(
            "exec_1",
            "build",
            FailedAttempts.byPhase(timeline).get("build"),
            null,
            null,
            new RunnerDiffs.Unavailable("the phase-runner did not answer within 3000 ms"));

    assertThat(page)
        .contains(
            "Files are not compared: the phase-runner did not answer within 3000 ms",
            "<th>Attempt 1</th><th>Attempt 2</th>",
            "<tr><th>Message</th><td>broke on run 1</td><td>broke on &lt;run&gt; 2</td></tr>",
            "Inputs: the same digest",
            "Artifacts: different digests");
  }

  @Test
  void shouldSayWhatTheRunnerRefused() {
    failed(1, "m", null, null);

    String page =
        AttemptDiffPage.render(
            "exec_1",
            "build",
            FailedAttempts.byPhase(timeline).get("build"),
            1,
            7,
            new RunnerDiffs.Refused(404, "no failed attempt 7; its failed attempts: [1]"));

    assertThat(page)
        .contains(
            "the phase-runner answered 404: no failed attempt 7; its failed attempts: [1]",
            "The audit trail has 1 failed attempt(s) of this phase (1): name two of them.");
  }

  @Test
  void shouldLinkEachPairOfFailedAttemptsFromTheExecutionPage() {
    failed(1, "m1", null, null);
    failed(2, "m2", null, null);
    failed(3, "m3", null, null);

    String page = ExecutionPage.render("exec_1", timeline);

    assertThat(page)
        .contains("<section id=\"compare\"><h2>Compare attempts</h2>")
        .contains(
            "<a href=\"/executions/exec_1/diff?phase=build&amp;a=2&amp;b=3\">attempts 2 and 3</a>")
        .contains("attempts 1 and 2");
  }

  @Test
  void shouldNotOfferAComparisonForASingleFailure() {
    failed(1, "m1", null, null);

    assertThat(ExecutionPage.render("exec_1", timeline)).doesNotContain("Compare attempts");
  }

  private void failed(int number, String message, String inputs, String artifacts) {
    String payload =
        JSON.writeValueAsString(
            java.util.Map.of(
                "payload",
                new java.util.LinkedHashMap<String, Object>() {
                  {
                    put("phase", "build");
                    put("attemptNumber", number);
                    put("failureType", "COMMAND_FAILED");
                    put("errorType", "COMMAND_FAILED");
                    put("errorMessage", message);
                    put("inputsDigest", inputs);
                    put("artifactsDigest", artifacts);
                  }
                }));
    JsonNode event = JSON.readTree(payload);
    timeline.add(
        new TimelineEntry(
            "event-" + timeline.size(),
            "exec_1",
            "AttemptFailed",
            "redrive.attempts",
            0,
            timeline.size(),
            "test",
            T0.plusSeconds(timeline.size()),
            "demo",
            "COMMAND_FAILED",
            EventSummaries.describe("AttemptFailed", event),
            event));
  }

  private static String resource(String name) {
    try (InputStream in = AttemptDiffPageTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
