package dev.redrive.audit.web;

import java.util.List;
import java.util.Map;

/**
 * The execution page's "Compare attempts" part: for each phase with two or more failed attempts, a
 * link to the comparison of each pair of consecutive failed attempts (the last {@value #MAX_PAIRS}
 * of them), newest first. The comparison itself is a page of its own ({@link AttemptDiffPage}), so
 * the execution page never waits for the phase-runner.
 */
final class AttemptComparisons {

  static final int MAX_PAIRS = 10;

  private AttemptComparisons() {}

  static void render(Html html, String executionId, List<TimelineEntry> timeline) {
    Map<String, List<FailedAttempts.Fact>> phases = FailedAttempts.byPhase(timeline);
    if (phases.values().stream().noneMatch(f -> f.size() >= 2)) {
      return;
    }
    html.raw("<section id=\"compare\"><h2>Compare attempts</h2><ul class=\"comparisons\">");
    phases.forEach(
        (phase, failed) -> {
          if (failed.size() < 2) {
            return;
          }
          html.raw("<li data-phase=\"").text(phase).raw("\">Phase <b>").text(phase).raw("</b>: ");
          int pairs = 0;
          for (int i = failed.size() - 1; i > 0 && pairs < MAX_PAIRS; i--, pairs++) {
            int a = failed.get(i - 1).number();
            int b = failed.get(i).number();
            html.raw(pairs == 0 ? "" : " · ")
                .link(
                    AttemptDiffPage.href(executionId, phase, a, b), "attempts " + a + " and " + b);
          }
          html.raw("</li>");
        });
    html.raw("</ul></section>");
  }
}
