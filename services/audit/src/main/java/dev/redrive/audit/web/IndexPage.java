package dev.redrive.audit.web;

import dev.redrive.audit.app.ListExecutions;
import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexQuery;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit's index page, rendered on the server: the executions whose events changed last first,
 * with their pipeline, status, current phase, last failure type, last event and attempts, and the
 * links between resubmissions and their originals; filters as a GET form, a cursor for the next
 * page. Its script ({@link IndexScript}, allowed by its hash) keeps the rows live from the index
 * stream; without script the page is complete, only not live.
 */
final class IndexPage {

  static final String STYLE =
      """
      form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:1rem 0}
      form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#5b6575}
      form.filters input,form.filters select,form.filters button{font:inherit;padding:.2rem .4rem}
      .links a{margin-right:.2rem} #live{font-size:.85rem} .error{background:#fde2e1;color:#8c1d18;padding:.5rem}
      nav.pages{margin:1rem 0}
      """;

  private IndexPage() {}

  /** The page of these rows, for this query. */
  static String render(IndexQuery query, ListExecutions.Page page) {
    Html html = head("Executions");
    html.raw("<header><h1>Executions</h1><p class=\"meta\">Most recently changed first, as the")
        .raw(" audit trail knows them. <span id=\"live\" class=\"muted\">")
        .raw("Live updates need script.</span></p></header>");
    form(html, query, null);
    boolean first = query.after() == null;
    html.raw("<table id=\"executions\" data-live=\"")
        .text(first ? "first" : "page")
        .raw("\" data-limit=\"")
        .text(String.valueOf(query.limit()))
        .raw("\" data-stream=\"")
        .text(streamUrl(query, page))
        .raw("\"><thead><tr><th>Execution</th><th>Pipeline</th><th>Status</th><th>Phase</th>")
        .raw("<th>Last failure</th><th>Last event</th><th>Attempts</th><th>Resubmissions</th>")
        .raw("</tr></thead><tbody>");
    for (ExecutionSummary row : page.rows()) {
      row(html, row);
    }
    html.raw("</tbody></table><p id=\"empty\" class=\"muted\"")
        .raw(page.rows().isEmpty() ? "" : " hidden")
        .raw(">No execution matches.</p><nav class=\"pages\">");
    if (page.next() != null) {
      Map<String, String> next = criteria(query);
      next.put("after", page.next().toString());
      if (query.limit() != IndexParams.DEFAULT_LIMIT) {
        next.put("limit", String.valueOf(query.limit()));
      }
      html.raw("<a id=\"next\" rel=\"next\" href=\"")
          .text("/" + queryString(next))
          .raw("\">")
          .raw("Next page</a>");
    }
    if (!first) {
      html.raw(page.next() == null ? "" : " · ")
          .raw("<a id=\"first\" href=\"")
          .text("/" + queryString(criteria(query)))
          .raw("\">First page</a>");
    }
    return html.raw("</nav><script>")
        .raw(IndexScript.SCRIPT)
        .raw("</script></body></html>")
        .toString();
  }

  /** The page with the form and what is wrong with a parameter (a 400). */
  static String invalid(String field, String detail) {
    Html html = head("Executions");
    html.raw("<header><h1>Executions</h1></header><p class=\"error\" id=\"error\" data-field=\"")
        .text(field)
        .raw("\">")
        .text(detail)
        .raw("</p>");
    form(html, null, field);
    return html.raw("<p><a href=\"/\">All executions</a></p></body></html>").toString();
  }

  private static Html head(String title) {
    return new Html()
        .raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(title)
        .raw(" · Redrive audit</title><style>")
        .raw(ExecutionPage.STYLE)
        .raw("</style><style>")
        .raw(STYLE)
        .raw("</style></head><body>");
  }

  private static void form(Html html, IndexQuery query, String invalidField) {
    String pipeline = query == null ? null : query.pipeline();
    String status = query == null || query.status() == null ? "" : query.status().name();
    String q = query == null ? null : query.idContains();
    html.raw("<form class=\"filters\" method=\"get\" action=\"/\">")
        .raw("<label>Pipeline<input name=\"pipeline\" maxlength=\"")
        .text(String.valueOf(IndexParams.MAX_PIPELINE))
        .raw("\" value=\"")
        .text(pipeline)
        .raw("\"></label><label>Status<select name=\"status\"><option value=\"\">any</option>");
    for (String option : IndexParams.statuses()) {
      html.raw("<option")
          .raw(option.equals(status) ? " selected" : "")
          .raw(">")
          .text(option)
          .raw("</option>");
    }
    html.raw("</select></label><label>Execution id contains<input name=\"q\" maxlength=\"")
        .text(String.valueOf(IndexParams.MAX_Q))
        .raw("\" value=\"")
        .text(q)
        .raw("\"></label><button type=\"submit\">Filter</button> <a href=\"/\">Clear</a></form>");
  }

  private static void row(Html html, ExecutionSummary row) {
    String status = row.status().name();
    html.raw("<tr class=\"execution\" data-execution-id=\"")
        .text(row.executionId())
        .raw("\" data-last=\"")
        .text(String.valueOf(IndexRow.micros(row.lastEventAt())))
        .raw("\" data-change=\"0\"><td>")
        .link("/executions/" + row.executionId(), row.executionId())
        .raw("</td><td>")
        .text(row.pipeline() == null ? "(not named)" : row.pipeline())
        .raw("</td><td><span class=\"status status-")
        .text(status)
        .raw("\">")
        .text(status)
        .raw("</span></td><td>")
        .text(row.phase())
        .raw("</td><td>");
    if (row.lastFailureType() != null) {
      html.raw("<span class=\"failure-type\">").text(row.lastFailureType()).raw("</span>");
    }
    html.raw("</td><td>")
        .time(row.lastEventAt())
        .raw("<span class=\"muted\">")
        .text(row.lastEventType())
        .raw("</span></td><td>")
        .text(String.valueOf(row.attempts()))
        .raw("</td><td class=\"links\">");
    links(html, row);
    html.raw("</td></tr>");
  }

  /** "resubmission of X; resubmitted as Y, Z (n in all)", each a link to its page. */
  static void links(Html html, ExecutionSummary row) {
    links(html, row.originalExecutionId(), row.resubmissions(), row.resubmissionCount());
  }

  static void links(Html html, String original, List<String> resubmissions, int count) {
    if (original != null) {
      html.raw("resubmission of <a class=\"original\" href=\"")
          .text("/executions/" + original)
          .raw("\">")
          .text(original)
          .raw("</a>");
    }
    if (!resubmissions.isEmpty()) {
      html.raw(original == null ? "" : "; ").raw("resubmitted as ");
      for (int i = 0; i < resubmissions.size(); i++) {
        String id = resubmissions.get(i);
        html.raw(i == 0 ? "" : ", ")
            .raw("<a class=\"resubmission\" href=\"")
            .text("/executions/" + id)
            .raw("\">")
            .text(id)
            .raw("</a>");
      }
      if (count > resubmissions.size()) {
        html.text(" (" + count + " in all)");
      }
    }
  }

  private static String streamUrl(IndexQuery query, ListExecutions.Page page) {
    Map<String, String> parameters = criteria(query);
    parameters.put("since", page.readAt().toString());
    return "/api/v1/index/stream" + queryString(parameters);
  }

  private static Map<String, String> criteria(IndexQuery query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query.pipeline() != null) {
      parameters.put("pipeline", query.pipeline());
    }
    if (query.status() != null) {
      parameters.put("status", query.status().name());
    }
    if (query.idContains() != null) {
      parameters.put("q", query.idContains());
    }
    return parameters;
  }

  private static String queryString(Map<String, String> parameters) {
    if (parameters.isEmpty()) {
      return "";
    }
    return parameters.entrySet().stream()
        .map(p -> p.getKey() + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", ""));
  }
}
