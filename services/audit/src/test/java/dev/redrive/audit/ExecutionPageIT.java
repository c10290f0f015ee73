package dev.redrive.audit;

import static dev.redrive.audit.Events.attemptCountReset;
import static dev.redrive.audit.Events.attemptFailed;
import static dev.redrive.audit.Events.attemptStarted;
import static dev.redrive.audit.Events.attemptSucceeded;
import static dev.redrive.audit.Events.context;
import static dev.redrive.audit.Events.contextAssembled;
import static dev.redrive.audit.Events.executionResubmitted;
import static dev.redrive.audit.Events.executionStarted;
import static dev.redrive.audit.Events.executionSucceeded;
import static dev.redrive.audit.Events.interventionRequired;
import static dev.redrive.audit.Events.retryCommand;
import static dev.redrive.audit.Events.retryRequested;
import static dev.redrive.audit.Events.retryScheduled;
import static dev.redrive.audit.Events.startExecution;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redrive.avro.FailureType;
import dev.redrive.avro.RetryContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The execution page as a browser shows it: headless Chromium (Debian's {@code chromium} package)
 * loads it from the running audit; the test reads the rendered DOM and saves a screenshot in {@code
 * target/}.
 */
class ExecutionPageIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String GUIDANCE =
      "This is attempt 2 of 2 for phase 'build'. Attempt 1 failed with COMMAND_FAILED: error:"
          + " cannot find module 'data'. Keep artifacts/build as it is; create"
          + " artifacts/prepare/data.txt first.";

  private static RunningAudit audit;

  @BeforeAll
  static void start() {
    audit = RunningAudit.start("page");
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  @Test
  void pageShowsAttemptsFailureTypesRetryContextAndHumanActions() throws Exception {
    // given an execution whose build failed twice, was paused, and was retried by a person
    String executionId = "exec_" + UUID.randomUUID().toString().substring(0, 12);
    Instant t0 = Instant.parse("2026-11-23T15:41:51Z");
    RetryContext secondContext = context(executionId, "build", 2, GUIDANCE, List.of());
    RetryContext thirdContext =
        context(
            executionId,
            "build",
            3,
            "Attempt 3: read the note from alice.",
            List.of("use the cached data set"));
    audit.send(
        executionStarted(executionId, "demo", t0),
        attemptStarted(executionId, "demo", "build", 1, null, t0.plusSeconds(1)),
        attemptFailed(
            executionId,
            "demo",
            "build",
            1,
            FailureType.COMMAND_FAILED,
            "error: cannot find module 'data'",
            null,
            t0.plusSeconds(2)),
        retryScheduled(executionId, "cmd-2", "build", 2, null, false, t0.plusSeconds(3)),
        contextAssembled(executionId, "cmd-2", secondContext, t0.plusSeconds(3)),
        retryCommand(executionId, "demo", "cmd-2", secondContext, t0.plusSeconds(3)),
        attemptStarted(executionId, "demo", "build", 2, "cmd-2", t0.plusSeconds(4)),
        attemptFailed(
            executionId,
            "demo",
            "build",
            2,
            FailureType.EXIT_CRITERIA_NOT_MET,
            "unit-tests failed <3 of 10>",
            null,
            t0.plusSeconds(5)),
        interventionRequired(
            executionId, "build", 2, FailureType.EXIT_CRITERIA_NOT_MET, t0.plusSeconds(6)),
        retryRequested(executionId, "alice", "use the cached data set", true, t0.plusSeconds(60)),
        attemptCountReset(
            executionId, "build", "alice", "use the cached data set", t0.plusSeconds(61)),
        retryScheduled(executionId, "cmd-3", "build", 3, "alice", true, t0.plusSeconds(61)),
        contextAssembled(executionId, "cmd-3", thirdContext, t0.plusSeconds(61)),
        attemptStarted(executionId, "demo", "build", 3, "cmd-3", t0.plusSeconds(62)),
        attemptSucceeded(executionId, "demo", "build", 3, t0.plusSeconds(63)),
        executionSucceeded(executionId, "demo", t0.plusSeconds(64)));
    audit.timeline(executionId, 16);

    // when a browser opens the page
    String url = audit.baseUrl + "/executions/" + executionId;
    String dom = chromium("--dump-dom", url);

    // then it shows each attempt with its outcome and failure type
    assertThat(dom)
        .contains("<h1>Execution <code id=\"execution-id\">" + executionId + "</code></h1>")
        .contains("id=\"status\" class=\"status status-SUCCEEDED\"")
        .contains(
            "data-phase=\"build\" data-attempt=\"1\"", "data-phase=\"build\" data-attempt=\"2\"")
        .contains("<span class=\"failure-type\">COMMAND_FAILED</span>")
        .contains("<span class=\"failure-type\">EXIT_CRITERIA_NOT_MET</span>")
        .contains("unit-tests failed &lt;3 of 10&gt;")
        .contains("<span class=\"outcome outcome-succeeded\">succeeded</span>");
    // and why each automatic retry was made, escaped
    assertThat(dom)
        .contains("<summary>Why</summary>")
        .contains("1000ms x 2^0 = 1000ms; FULL jitter drew 420ms from 0..1000ms")
        .contains("phase demo/build: maxAttempts")
        .contains("this retry is the last one &lt;maxAttempts=2&gt; allows");
    // and the context each retry carried: guidance, prior attempts, notes
    assertThat(dom)
        .contains("Retry context carried by build attempt 2")
        .contains("This is attempt 2 of 2 for phase 'build'. Attempt 1 failed with COMMAND_FAILED")
        .contains(
            "Attempt 1: <span class=\"failure-type\">COMMAND_FAILED</span> error: cannot find module 'data'")
        .contains("Retry context carried by build attempt 3")
        .contains("<ul class=\"notes\"><li>use the cached data set</li></ul>");
    // and the decisions with their reasons, and what alice did
    assertThat(dom)
        .contains("attempts exhausted: 2 failures counted, 2 attempts allowed")
        .contains("policy: max 2 attempts")
        .contains("requested by alice, forced")
        .contains("<td class=\"who\">alice</td>")
        .contains("alice asked for a retry (RETRY_IN_PLACE, force, reset count)");

    // and it links its two failed attempts to their comparison, which (no runner is set here)
    // shows what the events say side by side and why the files are not compared
    assertThat(dom).contains("<section id=\"compare\"><h2>Compare attempts</h2>");
    String comparison = page("/executions/" + executionId + "/diff?phase=build&a=1&b=2", 200);
    assertThat(comparison)
        .contains("Files are not compared: the audit does not know where the phase-runner is")
        .contains("<th>Attempt 1</th><th>Attempt 2</th>")
        .contains("unit-tests failed &lt;3 of 10&gt;");
    assertThat(page("/executions/" + executionId + "/diff?phase=build&a=0&b=2", 400))
        .contains("a: must be an attempt number from 1 to 10000");
    assertThat(page("/executions/" + executionId + "/diff?phase=" + "p".repeat(257), 400))
        .contains("phase: at most 256 characters");

    // and a screenshot is kept with the test output
    Path screenshot = Path.of("target", "execution-page.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    chromium("--screenshot=" + screenshot, "--window-size=1280,2200", url);
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  @Test
  void indexListsFiltersPagesLinksResubmissionsAndUpdatesLive() throws Exception {
    // given three executions of one pipeline: one paused and resubmitted, its resubmission
    // running, one that succeeded
    String pipeline = "index-" + UUID.randomUUID().toString().substring(0, 8);
    String original = "exec_" + UUID.randomUUID().toString().substring(0, 12);
    String resubmission = original + "-r1";
    String succeeded = "exec_" + UUID.randomUUID().toString().substring(0, 12);
    Instant t0 = Instant.now().minusSeconds(600);
    audit.send(
        executionStarted(original, pipeline, t0),
        attemptStarted(original, pipeline, "build", 1, null, t0.plusSeconds(1)),
        attemptFailed(
            original,
            pipeline,
            "build",
            1,
            FailureType.COMMAND_FAILED,
            "no",
            null,
            t0.plusSeconds(2)),
        interventionRequired(original, "build", 1, FailureType.COMMAND_FAILED, t0.plusSeconds(3)),
        executionResubmitted(original, resubmission, t0.plusSeconds(10)),
        startExecution(resubmission, pipeline, original, t0.plusSeconds(11)),
        executionStarted(resubmission, pipeline, t0.plusSeconds(12)),
        attemptStarted(resubmission, pipeline, "build", 1, null, t0.plusSeconds(13)),
        executionStarted(succeeded, pipeline, t0.plusSeconds(20)),
        attemptStarted(succeeded, pipeline, "build", 1, null, t0.plusSeconds(21)),
        attemptSucceeded(succeeded, pipeline, "build", 1, t0.plusSeconds(22)),
        executionSucceeded(succeeded, pipeline, t0.plusSeconds(23)));
    String all = "/?pipeline=" + pipeline;
    await().atMost(Duration.ofSeconds(30)).until(() -> rows(page(all, 200)).size() == 3);

    // then the index lists them, the one whose events changed last first, with their summary
    String page = page(all, 200);
    assertThat(rows(page)).containsExactly(succeeded, resubmission, original);
    assertThat(row(page, original))
        .contains("<a href=\"/executions/" + original + "\">" + original + "</a>")
        .contains("<span class=\"status status-PAUSED\">PAUSED</span>")
        .contains("<td>build</td>")
        .contains("<span class=\"failure-type\">COMMAND_FAILED</span>")
        .contains("ExecutionResubmitted")
        .contains("<td>1</td>")
        .contains(
            "resubmitted as <a class=\"resubmission\" href=\"/executions/"
                + resubmission
                + "\">"
                + resubmission
                + "</a>");
    assertThat(row(page, resubmission))
        .contains("status-RUNNING")
        .contains(
            "resubmission of <a class=\"original\" href=\"/executions/"
                + original
                + "\">"
                + original
                + "</a>");
    assertThat(row(page, succeeded)).contains("status-SUCCEEDED").doesNotContain("failure-type");
    // and filters by status and by part of the id
    assertThat(rows(page(all + "&status=PAUSED", 200))).containsExactly(original);
    assertThat(rows(page("/executions?q=" + succeeded.substring(3), 200)))
        .containsExactly(succeeded);
    // and pages with a cursor, however the rows are ordered
    String first = page(all + "&limit=2", 200);
    assertThat(rows(first)).containsExactly(succeeded, resubmission);
    String nextLink = "id=\"next\" rel=\"next\" href=\"";
    String next =
        first
            .substring(first.indexOf(nextLink) + nextLink.length())
            .replaceAll("(?s)\".*", "")
            .replace("&amp;", "&");
    assertThat(rows(page(next, 200))).containsExactly(original);
    assertThat(page(next, 200)).doesNotContain("id=\"next\"").contains("id=\"first\"");
    // and the execution pages link the original and its resubmission both ways
    assertThat(page("/executions/" + original, 200))
        .contains("resubmitted as <a class=\"resubmission\" href=\"/executions/" + resubmission);
    assertThat(page("/executions/" + resubmission, 200))
        .contains("resubmission of <a class=\"original\" href=\"/executions/" + original);
    // and a bad parameter is a 400 that names it
    assertThat(page("/?limit=1000", 400)).contains("data-field=\"limit\"", "from 1 to 200");
    assertThat(page("/?q=" + "x".repeat(129), 400)).contains("data-field=\"q\"");
    assertThat(page("/?token=secret", 400)).contains("data-field=\"token\"", "not known here");

    // when a browser shows the index and events arrive
    try (Chromium browser = Chromium.start()) {
      browser.open(audit.baseUrl + all);
      browser.waitUntil(
          "document.getElementById('executions').dataset.connected === 'true'",
          Duration.ofSeconds(30));
      assertThat(browser.evaluate("document.getElementById('executions').tBodies[0].rows.length"))
          .isEqualTo("3");
      Instant now = Instant.now();
      String newcomer = "exec_" + UUID.randomUUID().toString().substring(0, 12);
      audit.send(
          executionStarted(newcomer, pipeline, now.plusSeconds(1)),
          attemptFailed(
              resubmission, pipeline, "build", 1, FailureType.TIMEOUT, "slow", null, now));

      // then the new execution appears at the top and the resubmission's row changes status
      String firstRow = "document.getElementById('executions').tBodies[0].rows[0]";
      String diagnosis =
          "JSON.stringify({updates: document.getElementById('executions').dataset.updates,"
              + " live: document.getElementById('live').textContent,"
              + " rows: [...document.querySelectorAll('tr.execution')]"
              + ".map(r => r.dataset.executionId + '@' + r.dataset.change)})";
      browser.waitUntil(
          firstRow + ".dataset.executionId === '" + newcomer + "'",
          Duration.ofSeconds(30),
          diagnosis);
      browser.waitUntil(
          "[...document.querySelectorAll('tr.execution')].some(r => r.dataset.executionId === '"
              + resubmission
              + "' && r.querySelector('.status-HALTED') && r.textContent.includes('TIMEOUT'))",
          Duration.ofSeconds(30));
      assertThat(browser.evaluate(firstRow + ".querySelector('a').getAttribute('href')"))
          .isEqualTo("/executions/" + newcomer);
      assertThat(browser.evaluate("document.getElementById('live').textContent")).contains("Live");
      Path screenshot = Path.of("target", "index-page.png").toAbsolutePath();
      browser.screenshot(screenshot);
      assertThat(Files.size(screenshot)).isGreaterThan(5_000);
    }
  }

  /** The body of GET path, which must answer the status. */
  private static String page(String path, int status) {
    var response = audit.get(path, "Accept", "text/html");
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(status);
    return response.body();
  }

  /** The execution ids of the index page's rows, in order. */
  private static List<String> rows(String page) {
    List<String> ids = new ArrayList<>();
    Matcher row =
        Pattern.compile("<tr class=\"execution\" data-execution-id=\"([^\"]+)\"").matcher(page);
    while (row.find()) {
      ids.add(row.group(1));
    }
    return ids;
  }

  /** The markup of one row of the index page. */
  private static String row(String page, String executionId) {
    int start = page.indexOf("<tr class=\"execution\" data-execution-id=\"" + executionId + "\"");
    assertThat(start).as("a row of %s", executionId).isNotNegative();
    return page.substring(start, page.indexOf("</tr>", start));
  }

  @Test
  void unknownExecutionIsANotFoundPage() {
    var response = audit.get("/executions/no-such-execution");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(response.body()).contains("No events for execution <code>no-such-execution</code>");
  }

  /** Runs headless Chromium with a profile of its own; returns what it wrote on stdout. */
  private static String chromium(String... arguments) throws IOException, InterruptedException {
    assertThat(CHROMIUM)
        .as("the page test needs Debian's chromium package (apt-get install -y chromium)")
        .isExecutable();
    Path work = Files.createTempDirectory("audit-chromium-");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + work.resolve("profile")));
    command.addAll(List.of(arguments));
    Path stdout = work.resolve("stdout");
    Path stderr = work.resolve("stderr");
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      boolean finished = process.waitFor(90, TimeUnit.SECONDS);
      assertThat(finished).as("chromium finished within 90 s").isTrue();
      assertThat(process.exitValue())
          .as("chromium's exit code; it said: %s", Files.readString(stderr))
          .isZero();
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
      FileSystemUtils.deleteRecursively(work);
    }
  }
}
