package dev.redrive.audit.web;

import static dev.redrive.audit.web.EventSummaries.text;

import dev.redrive.audit.app.RunnerDiffs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The comparison of two failed attempts of a phase: the phase-runner's diff (inputs, failure,
 * checks, files added, removed and changed, unified diffs) when it answered; otherwise what the
 * audit's own events say of each attempt, side by side, and why the files are not compared. Every
 * value is escaped ({@link Html#text}).
 */
final class AttemptDiffPage {

  private static final String STYLE =
      """
      .side th{width:11rem} .diff .add{color:#17612a;background:#eefaf0} .diff .del{color:#8c1d18;background:#fdf0ef}
      .diff .hunk{color:#1b4b91} .why{border-left:3px solid #d8a36f;padding:.2rem .8rem;background:#fff8ef}
      ul.files{list-style:none;padding-left:.5rem} ul.files li{font-family:ui-monospace,monospace;font-size:.85rem}
      """;

  private AttemptDiffPage() {}

  /** The page's address for a pair of attempts. */
  static String href(String executionId, String phase, int a, int b) {
    return "/executions/%s/diff?phase=%s&a=%d&b=%d"
        .formatted(encode(executionId), encode(phase), a, b);
  }

  /**
   * The page.
   *
   * @param failed the phase's failed attempts as the events tell them, oldest first
   * @param a the requested earlier attempt, or null for the last failed attempt but one
   * @param b the requested later attempt, or null for the last failed attempt
   */
  static String render(
      String executionId,
      String phase,
      List<FailedAttempts.Fact> failed,
      Integer a,
      Integer b,
      RunnerDiffs.Answer answer) {
    Html html = new Html();
    html.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<title>Compare attempts · ")
        .text(executionId)
        .raw(" · Redrive audit</title><style>")
        .raw(ExecutionPage.STYLE)
        .raw(STYLE)
        .raw("</style></head><body><header><h1>Phase <code>")
        .text(phase)
        .raw("</code>: compare attempts</h1><p class=\"meta\">Execution ")
        .link("/executions/" + encode(executionId), executionId)
        .raw("</p></header>");
    if (answer instanceof RunnerDiffs.Compared compared) {
      compared(html, compared.diff());
    } else {
      fallback(html, failed, a, b, answer);
    }
    return html.raw("</body></html>").toString();
  }

  private static void compared(Html html, JsonNode diff) {
    JsonNode a = diff.path("a");
    JsonNode b = diff.path("b");
    side(
        html,
        text(a, "number"),
        text(b, "number"),
        List.of(
            row("Failure type", n -> text(n, "failureType")),
            row("Error type", n -> text(n, "errorType")),
            row("Message", n -> text(n, "message")),
            row("Failed checks", n -> String.join(", ", strings(n.path("failedChecks")))),
            row("Inputs digest", n -> text(n, "inputsDigest")),
            row("Artifacts digest", n -> text(n, "artifactsDigest"))),
        a,
        b);
    JsonNode inputs = diff.path("inputs");
    html.raw("<h2>Inputs</h2><p id=\"inputs\">");
    if (!inputs.path("changed").asBoolean(false)) {
      html.text("unchanged: the same declared parameters and input files");
    } else {
      List<String> parts = new ArrayList<>();
      List<String> parameters = strings(inputs.path("parameters"));
      if (!parameters.isEmpty()) {
        parts.add("parameters " + String.join(", ", parameters));
      }
      strings(inputs.path("added")).forEach(p -> parts.add("+ " + p));
      strings(inputs.path("removed")).forEach(p -> parts.add("- " + p));
      strings(inputs.path("changedFiles")).forEach(p -> parts.add("~ " + p));
      html.text("changed: " + String.join("; ", parts));
    }
    JsonNode failure = diff.path("failure");
    html.raw("</p><h2>Failure</h2><p id=\"failure\">")
        .text(
            failure.path("changed").asBoolean(false)
                ? String.join(", ", strings(failure.path("differs")))
                    + (failure.path("differs").size() == 1 ? " differs" : " differ")
                : "the same")
        .raw("</p><h2>Checks</h2><p id=\"checks\">");
    List<String> newlyFailed = strings(diff.path("checks").path("newlyFailed"));
    List<String> newlyPassing = strings(diff.path("checks").path("newlyPassing"));
    html.text(
            newlyFailed.isEmpty() && newlyPassing.isEmpty()
                ? "no change"
                : "newly failed: %s; newly passing: %s"
                    .formatted(
                        newlyFailed.isEmpty() ? "none" : String.join(", ", newlyFailed),
                        newlyPassing.isEmpty() ? "none" : String.join(", ", newlyPassing)))
        .raw("</p>");
    files(html, diff.path("artifacts"));
  }

  private static void files(Html html, JsonNode artifacts) {
    html.raw("<h2>Artifacts</h2><p class=\"meta\">")
        .text(artifacts.path("unchanged").asInt() + " file(s) unchanged")
        .text(artifacts.path("truncated").asBoolean(false) ? "; lists cut at 1000" : "")
        .raw("</p><ul class=\"files\" id=\"files\">");
    strings(artifacts.path("added"))
        .forEach(p -> html.raw("<li class=\"added\">+ ").text(p).raw("</li>"));
    strings(artifacts.path("removed"))
        .forEach(p -> html.raw("<li class=\"removed\">- ").text(p).raw("</li>"));
    for (JsonNode change : artifacts.path("changedFiles")) {
      String kind = text(change, "kind");
      html.raw("<li class=\"changed\">~ ")
          .text(text(change, "path"))
          .text(" (%s → %s bytes".formatted(text(change, "sizeBefore"), text(change, "sizeAfter")))
          .text("text".equals(kind) ? ")" : ", " + kind + ": not diffed)")
          .raw("</li>");
    }
    html.raw("</ul>");
    for (JsonNode change : artifacts.path("changedFiles")) {
      if (change.path("diff").isEmpty()) {
        continue;
      }
      html.raw("<h3><code>").text(text(change, "path")).raw("</code></h3><pre class=\"diff\">");
      for (JsonNode line : change.path("diff")) {
        String text = line.asString();
        String css =
            text.startsWith("@@")
                ? "hunk"
                : text.startsWith("+") && !text.startsWith("+++")
                    ? "add"
                    : text.startsWith("-") && !text.startsWith("---") ? "del" : "ctx";
        html.raw("<span class=\"").raw(css).raw("\">").text(text).raw("</span>\n");
      }
      if (change.path("truncated").asBoolean(false)) {
        html.raw("<span class=\"hunk\">").text("... (cut at 400 lines)").raw("</span>\n");
      }
      html.raw("</pre>");
    }
  }

  private static void fallback(
      Html html,
      List<FailedAttempts.Fact> failed,
      Integer a,
      Integer b,
      RunnerDiffs.Answer answer) {
    String why =
        answer instanceof RunnerDiffs.Refused refused
            ? "the phase-runner answered %d: %s".formatted(refused.status(), refused.detail())
            : ((RunnerDiffs.Unavailable) answer).why();
    html.raw("<p class=\"why\" id=\"files-not-compared\">Files are not compared: ")
        .text(why)
        .raw(". What the audit's events say of each attempt:</p>");
    FailedAttempts.Fact before = pick(failed, a, 2);
    FailedAttempts.Fact after = pick(failed, b, 1);
    if (before == null || after == null) {
      html.raw("<p class=\"muted\">The audit trail has ")
          .text(String.valueOf(failed.size()))
          .raw(" failed attempt(s) of this phase")
          .text(
              failed.isEmpty()
                  ? ""
                  : " ("
                      + String.join(", ", failed.stream().map(f -> "" + f.number()).toList())
                      + ")")
          .raw(": name two of them.</p>");
      return;
    }
    side(
        html,
        String.valueOf(before.number()),
        String.valueOf(after.number()),
        List.of(
            factRow("Failure type", FailedAttempts.Fact::failureType),
            factRow("Error type", FailedAttempts.Fact::errorType),
            factRow("Message", FailedAttempts.Fact::message),
            factRow("Failed checks", f -> String.join(", ", f.failedChecks())),
            factRow("Inputs digest", FailedAttempts.Fact::inputsDigest),
            factRow("Artifacts digest", FailedAttempts.Fact::artifactsDigest)),
        before,
        after);
    html.raw("<p id=\"digests\">")
        .text("Inputs: " + same(before.inputsDigest(), after.inputsDigest()))
        .raw("<br>")
        .text("Artifacts: " + same(before.artifactsDigest(), after.artifactsDigest()))
        .raw("</p>");
  }

  private static String same(String x, String y) {
    if (x == null || y == null) {
      return "not known (an event without digests)";
    }
    return x.equals(y) ? "the same digest" : "different digests";
  }

  private static FailedAttempts.Fact pick(
      List<FailedAttempts.Fact> failed, Integer number, int nthLast) {
    if (number != null) {
      return failed.stream().filter(f -> f.number() == number).findFirst().orElse(null);
    }
    return failed.size() < nthLast ? null : failed.get(failed.size() - nthLast);
  }

  private record Row<T>(String label, Function<T, String> value) {}

  private static Row<JsonNode> row(String label, Function<JsonNode, String> value) {
    return new Row<>(label, value);
  }

  private static Row<FailedAttempts.Fact> factRow(
      String label, Function<FailedAttempts.Fact, String> value) {
    return new Row<>(label, value);
  }

  private static <T> void side(Html html, String na, String nb, List<Row<T>> rows, T a, T b) {
    html.raw("<table class=\"side\" id=\"side-by-side\"><thead><tr><th></th><th>Attempt ")
        .text(na)
        .raw("</th><th>Attempt ")
        .text(nb)
        .raw("</th></tr></thead><tbody>");
    for (Row<T> row : rows) {
      html.raw("<tr><th>")
          .text(row.label())
          .raw("</th><td>")
          .text(row.value().apply(a))
          .raw("</td><td>")
          .text(row.value().apply(b))
          .raw("</td></tr>");
    }
    html.raw("</tbody></table>");
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return values;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
