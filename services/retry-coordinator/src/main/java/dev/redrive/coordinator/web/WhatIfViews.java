package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.whatif.WhatIfAnswer;
import dev.redrive.coordinator.domain.whatif.WhatIfReport;
import java.util.LinkedHashMap;
import java.util.Map;

/** A what-if's answer as JSON. */
final class WhatIfViews {

  /** How the proposed delays are counted, said in every answer. */
  static final String DELAYS =
      "proposed delays are expected delays: full jitter is counted at the middle of its range";

  private WhatIfViews() {}

  static Map<String, Object> answer(WhatIfAnswer answer) {
    WhatIfReport report = answer.report();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("from", answer.query().from());
    view.put("to", answer.query().to());
    view.put("pipeline", answer.query().pipeline());
    view.put("phase", answer.query().phase());
    view.put("source", answer.query().source());
    view.put("policy", answer.proposed() ? "proposed" : "in force");
    view.put("policiesVersion", answer.policiesVersion());
    view.put("cut", answer.cut());
    view.put("readUntil", answer.readUntil());
    view.put("attemptsRead", answer.attemptsRead());
    view.put("failures", report.failures());
    view.put("failuresUnrecorded", report.failuresUnrecorded());
    view.put("executions", report.executions());
    view.put("executionsAffected", report.executionsAffected());
    view.put("actual", totals(report.actual()));
    view.put("proposed", totals(report.proposed()));
    view.put("change", change(report.actual(), report.proposed()));
    view.put("retriesBeyondHistory", report.retriesBeyondHistory());
    view.put("attemptsAvoided", report.attemptsAvoided());
    view.put(
        "rows",
        report.rows().stream()
            .map(
                row -> {
                  Map<String, Object> r = new LinkedHashMap<>();
                  r.put("pipeline", row.pipeline());
                  r.put("phase", row.phase());
                  r.put("failures", row.failures());
                  r.put("actual", totals(row.actual()));
                  r.put("proposed", totals(row.proposed()));
                  r.put("retriesBeyondHistory", row.retriesBeyondHistory());
                  r.put("attemptsAvoided", row.attemptsAvoided());
                  return r;
                })
            .toList());
    view.put("delays", DELAYS);
    view.put("tookMs", answer.took().toMillis());
    return view;
  }

  private static Map<String, Object> totals(WhatIfReport.Totals totals) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("retries", totals.retries());
    view.put("interventions", totals.interventionsTotal());
    view.put("interventionsByCause", totals.interventions());
    view.put("budgetRefusals", totals.budgetRefusals());
    view.put("totalDelayMs", totals.totalDelayMs());
    view.put("p50DelayMs", totals.p50DelayMs());
    view.put("p95DelayMs", totals.p95DelayMs());
    return view;
  }

  private static Map<String, Object> change(WhatIfReport.Totals actual, WhatIfReport.Totals next) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("retries", next.retries() - actual.retries());
    view.put("interventions", next.interventionsTotal() - actual.interventionsTotal());
    view.put("budgetRefusals", next.budgetRefusals() - actual.budgetRefusals());
    view.put("totalDelayMs", next.totalDelayMs() - actual.totalDelayMs());
    return view;
  }
}
