package dev.redrive.audit.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The "why" of a decision on the execution page, from the explanation its event carries: the policy
 * and which layer set each field, the counter, the retry budget, how the delay was computed and
 * what would have changed the outcome. Everything in it came from Kafka and is escaped.
 */
final class DecisionWhy {

  private DecisionWhy() {}

  /** Writes the explanation of {@code decision}'s payload, when it carries one. */
  static void render(Html html, JsonNode decision) {
    JsonNode why = EventSummaries.body(decision).path("explanation");
    if (!why.isObject()) {
      return;
    }
    html.raw("<details class=\"why\"><summary>Why</summary><dl>");
    row(html, "Policy", text(why, "policy") + " (version " + text(why, "policyVersion") + ")");
    row(html, "Set by", origins(why.path("origins")));
    row(
        html,
        "Counter",
        text(why, "failuresCounted")
            + " failures counted, maxAttempts "
            + text(why, "maxAttempts"));
    why.path("budget").forEach(scope -> row(html, "Budget", scope.asString()));
    if (why.path("delay").isObject()) {
      row(html, "Delay", text(why.path("delay"), "formula"));
    }
    if (why.path("fingerprint").isString()) {
      row(html, "Fingerprint", why.path("fingerprint").asString());
    }
    html.raw("</dl>");
    if (!why.path("wouldChange").isEmpty()) {
      html.raw("<p>What would have changed it:</p><ul>");
      why.path("wouldChange")
          .forEach(change -> html.raw("<li>").text(change.asString()).raw("</li>"));
      html.raw("</ul>");
    }
    html.raw("</details>");
  }

  private static void row(Html html, String name, String value) {
    html.raw("<dt>").text(name).raw("</dt><dd>").text(value).raw("</dd>");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asString();
  }

  /** {@code phase demo/build: maxAttempts; default: initialInterval, ...}. */
  private static String origins(JsonNode origins) {
    Map<String, List<String>> byLayer = new LinkedHashMap<>();
    origins
        .properties()
        .forEach(
            field ->
                byLayer
                    .computeIfAbsent(field.getValue().asString(), layer -> new ArrayList<>())
                    .add(field.getKey()));
    List<String> parts = new ArrayList<>();
    byLayer.forEach((layer, fields) -> parts.add(layer + ": " + String.join(", ", fields)));
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }
}
