package dev.redrive.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metric names that Grafana dashboards query: every PromQL expression of every panel target and
 * every query variable, taken apart just enough to find the metric names in it.
 */
final class DashboardQueries {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Words of PromQL that look like metric names but are not. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "and",
          "or",
          "unless",
          "inf",
          "nan");

  private static final Pattern GRAFANA_VARIABLE =
      Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[\\w+]]");
  private static final Pattern STRING =
      Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*\\w+\\s*\\)\\s*$", Pattern.DOTALL);
  private static final Pattern QUERY_RESULT =
      Pattern.compile("^\\s*query_result\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

  private DashboardQueries() {}

  /** The metric names a PromQL expression reads. */
  static Set<String> metricNames(String promql) {
    String text = GRAFANA_VARIABLE.matcher(promql).replaceAll("1");
    text = STRING.matcher(text).replaceAll("\"\"");
    text = MATCHERS.matcher(text).replaceAll(" ");
    text = RANGE.matcher(text).replaceAll(" ");
    text = LABEL_LIST.matcher(text).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(text);
    while (identifier.find()) {
      String word = identifier.group(1);
      boolean function = identifier.group(2) != null;
      if (!function && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /**
   * The metric names a Grafana variable query reads: {@code label_values(<metric or selector>,
   * label)}, {@code query_result(<promql>)}; nothing for {@code label_values(label)} or {@code
   * metrics(...)}.
   */
  static Set<String> variableMetricNames(String query) {
    Matcher labelValues = LABEL_VALUES.matcher(query);
    if (labelValues.matches()) {
      return metricNames(labelValues.group(1));
    }
    Matcher queryResult = QUERY_RESULT.matcher(query);
    if (queryResult.matches()) {
      return metricNames(queryResult.group(1));
    }
    return Set.of();
  }

  /** Every metric name queried by the dashboards in a folder, and where (file: panel title). */
  static Map<String, Set<String>> inFolder(Path folder) {
    Map<String, Set<String>> queried = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      JsonNode dashboard;
      try {
        dashboard = JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String name = file.getFileName().toString();
      collectPanels(dashboard.path("panels"), name, queried);
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (!"query".equals(variable.path("type").asString(""))) {
          continue;
        }
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asString("") : query.asString("");
        String where = name + ": variable " + variable.path("name").asString("?");
        variableMetricNames(text)
            .forEach(m -> queried.computeIfAbsent(m, k -> new TreeSet<>()).add(where));
      }
    }
    return queried;
  }

  private static void collectPanels(
      JsonNode panels, String file, Map<String, Set<String>> queried) {
    for (JsonNode panel : panels) {
      String where = file + ": " + panel.path("title").asString("(untitled)");
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asString("");
        metricNames(expr).forEach(m -> queried.computeIfAbsent(m, k -> new TreeSet<>()).add(where));
      }
      // a collapsed row keeps its panels inside it
      collectPanels(panel.path("panels"), file, queried);
    }
  }
}
