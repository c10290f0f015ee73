package dev.redrive.coordinator.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a policy change changed, in one line for the audit and the logs: {@code
 * pipelines.demo.phases.build.maxAttempts 3 -> 6; sources.billing.maxAttempts (none) -> 5}.
 */
public final class PolicyChanges {

  /** Longest summary; the changes beyond it are counted, not listed. */
  public static final int MAX_CHARS = 1000;

  private static final String NONE = "(none)";

  private PolicyChanges() {}

  /**
   * The fields that differ between two documents (or two policy objects), each with its path and
   * its old and new value; {@code no change} when none differs.
   *
   * @param before the document in force until now; null when there was none
   */
  public static String summary(Map<String, ?> before, Map<String, ?> after) {
    Map<String, String> old = flat(before == null ? Map.of() : before);
    Map<String, String> now = flat(after == null ? Map.of() : after);
    TreeSet<String> paths = new TreeSet<>(old.keySet());
    paths.addAll(now.keySet());
    List<String> changes = new ArrayList<>();
    for (String path : paths) {
      String from = old.getOrDefault(path, NONE);
      String to = now.getOrDefault(path, NONE);
      if (!Objects.equals(from, to)) {
        changes.add(path + " " + from + " -> " + to);
      }
    }
    if (changes.isEmpty()) {
      return "no change";
    }
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < changes.size(); i++) {
      String next = (i == 0 ? "" : "; ") + changes.get(i);
      String rest = "; and %d more".formatted(changes.size() - i);
      if (line.length() + next.length() + rest.length() > MAX_CHARS) {
        return line.append(i == 0 ? "%d changes".formatted(changes.size()) : rest).toString();
      }
      line.append(next);
    }
    return line.toString();
  }

  private static Map<String, String> flat(Map<String, ?> document) {
    Map<String, String> values = new TreeMap<>();
    flatten("", document, values);
    return values;
  }

  private static void flatten(String path, Object node, Map<String, String> values) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (name, value) -> flatten(path.isEmpty() ? "" + name : path + "." + name, value, values));
    } else if (node != null) {
      values.put(path, String.valueOf(node));
    }
  }
}
