package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.audit.app.ListExecutions;
import dev.redrive.audit.domain.EventFacts;
import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexCursor;
import dev.redrive.audit.domain.IndexQuery;
import dev.redrive.contract.ExecutionStatus;
import dev.redrive.support.web.ContentSecurityPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexPageTest {

  private static final Instant T0 = Instant.parse("2026-11-23T15:41:51Z");

  @Test
  void escapesEverythingARowOrTheQuerySays() {
    ExecutionSummary row =
        summary("exec-1", "<b>pipe</b>")
            .apply(
                new ExecutionSummary.Event(
                    "AttemptFailed",
                    T0.plusSeconds(1),
                    null,
                    "<i>TYPE</i>",
                    new EventFacts("\"><script>x</script>", null, null)));
    IndexQuery query = new IndexQuery("\"><script>p</script>", null, null, null, 50);

    String page = IndexPage.render(query, new ListExecutions.Page(List.of(row), null, T0));

    assertThat(page)
        .doesNotContain("<b>pipe", "<script>x", "<script>p", "<i>TYPE")
        .contains("&lt;b&gt;pipe&lt;/b&gt;")
        .contains("&quot;&gt;&lt;script&gt;x&lt;/script&gt;")
        .contains("value=\"&quot;&gt;&lt;script&gt;p&lt;/script&gt;\"")
        .contains("pipeline=%22%3E%3Cscript%3Ep%3C%2Fscript%3E");
  }

  @Test
  void linksEachRowItsOriginalItsResubmissionsAndTheNextPage() {
    ExecutionSummary original =
        summary("exec-1", "demo")
            .apply(
                new ExecutionSummary.Event(
                    "ExecutionResubmitted", T0, null, null, new EventFacts(null, null, "exec-2")));
    ExecutionSummary resubmission =
        summary("exec-2", "demo")
            .apply(
                new ExecutionSummary.Event(
                    "StartExecution", T0, "demo", null, new EventFacts(null, "exec-1", null)));
    IndexQuery query = new IndexQuery("demo", ExecutionStatus.RUNNING, null, null, 2);

    String page =
        IndexPage.render(
            query,
            new ListExecutions.Page(
                List.of(resubmission, original), IndexCursor.after(original), T0));

    assertThat(page)
        .contains("<a href=\"/executions/exec-1\">exec-1</a>")
        .contains("resubmission of <a class=\"original\" href=\"/executions/exec-1\">exec-1</a>")
        .contains("resubmitted as <a class=\"resubmission\" href=\"/executions/exec-2\">exec-2</a>")
        .contains(
            "<a id=\"next\" rel=\"next\" href=\"/?pipeline=demo&amp;status=RUNNING&amp;after="
                + IndexCursor.after(original).toString().replace("~", "%7E")
                + "&amp;limit=2\">")
        .contains("data-live=\"first\"")
        .contains(
            "data-stream=\"/api/v1/index/stream?pipeline=demo&amp;status=RUNNING&amp;since="
                + "2026-11-23T15%3A41%3A51Z\"");
  }

  @Test
  void theScriptAndStylesAreAllowedByTheirHashesAndNothingElse() {
    String page =
        IndexPage.render(
            new IndexQuery(null, null, null, null, 50),
            new ListExecutions.Page(List.of(), null, T0));
    String policy = new PagePolicy().contentSecurityPolicy().value();

    assertThat(page).contains("<script>" + IndexScript.SCRIPT + "</script>");
    assertThat(page).contains("No execution matches.");
    assertThat(policy)
        .startsWith("default-src 'none'")
        .contains("connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'")
        .contains(
            ContentSecurityPolicy.forPages(List.of(), List.of(IndexScript.SCRIPT))
                .value()
                .replaceAll(".*script-src ", ""))
        .doesNotContain("unsafe-inline");
  }

  private static ExecutionSummary summary(String id, String pipeline) {
    return ExecutionSummary.empty(id)
        .apply(new ExecutionSummary.Event("ExecutionStarted", T0, pipeline, null, EventFacts.NONE));
  }
}
