package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the policy objects of a {@link PolicyDocument}, collecting every problem with the path of
 * its field instead of stopping at the first.
 */
final class PolicyFields {

  /** Highest {@code maxAttempts} a document may set. */
  static final int MOST_ATTEMPTS = 10_000;

  /** Highest back-off multiplier a document may set. */
  static final double MOST_MULTIPLIER = 1000.0;

  /**
   * Highest {@code minRetries} of the budget: any count. A very large one turns the budget off,
   * which the configuration has always allowed (the benchmark and the fault suite do it), so a seed
   * of it must not stop the start.
   */
  static final int MOST_MIN_RETRIES = Integer.MAX_VALUE;

  /** Problems reported at most; a document with more is told about the first ones. */
  private static final int MOST_PROBLEMS = 20;

  private static final Set<String> POLICY = Set.copyOf(PolicyOverride.FIELDS);
  private static final Set<String> BUDGET = Set.of("ratio", "window", "minRetries");

  private final List<String> problems = new ArrayList<>();

  void add(String path, String problem) {
    if (problems.size() < MOST_PROBLEMS) {
      problems.add((path.isEmpty() ? "document" : path) + ": " + problem);
    }
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(problems);
    }
  }

  /** The object at {@code path}, or null (a problem added) when the node is not one. */
  @SuppressWarnings("unchecked")
  Map<String, ?> object(Object node, String path) {
    if (node instanceof Map<?, ?> map) {
      return (Map<String, ?>) map;
    }
    add(path, "must be an object, was " + kind(node));
    return null;
  }

  void refuseUnknown(Map<String, ?> object, String path, Set<String> known, String expected) {
    object.keySet().stream()
        .filter(name -> !known.contains(name))
        .sorted()
        .forEach(
            name ->
                add(
                    path.isEmpty() ? name : path + "." + name,
                    "unknown field; expected one of " + expected));
  }

  /** A policy object whose every field may be left out. */
  PolicyOverride override(Object node, String path) {
    Map<String, ?> policy = object(node, path);
    if (policy == null) {
      return null;
    }
    refuseUnknown(policy, path, POLICY, String.join(", ", PolicyOverride.FIELDS));
    int before = problems.size();
    PolicyOverride override =
        new PolicyOverride(
            whole(policy, path, "maxAttempts", 1, MOST_ATTEMPTS),
            interval(policy, path, "initialInterval"),
            multiplier(policy, path),
            interval(policy, path, "maxInterval"),
            jitter(policy, path),
            nonRetryable(policy, path),
            deadline(policy, path));
    return problems.size() == before ? override : null;
  }

  /** The defaults: every field but {@code nonRetryable} and {@code deadline} is required. */
  RetryPolicy completePolicy(Object node, String path) {
    if (node == null) {
      return null;
    }
    Map<String, ?> policy = object(node, path);
    if (policy == null) {
      return null;
    }
    int before = problems.size();
    for (String field :
        List.of("maxAttempts", "initialInterval", "multiplier", "maxInterval", "jitter")) {
      if (policy.get(field) == null) {
        add(path + "." + field, "required in defaults");
      }
    }
    PolicyOverride fields = override(policy, path);
    if (fields == null || problems.size() != before) {
      return null;
    }
    try {
      return new RetryPolicy(
          fields.maxAttempts(),
          fields.initialInterval(),
          fields.multiplier(),
          fields.maxInterval(),
          fields.jitter(),
          fields.nonRetryable() == null ? Set.of() : fields.nonRetryable(),
          fields.deadline());
    } catch (IllegalArgumentException e) {
      add(path, e.getMessage());
      return null;
    }
  }

  RetryBudget budget(Object node, String path) {
    if (node == null) {
      return null;
    }
    Map<String, ?> budget = object(node, path);
    if (budget == null) {
      return null;
    }
    refuseUnknown(budget, path, BUDGET, "ratio, window, minRetries");
    int before = problems.size();
    Double ratio = number(budget, path, "ratio", 0.0, 1.0);
    Duration window = duration(budget, path, "window");
    if (window != null && (window.isZero() || window.isNegative())) {
      add(path + ".window", "must be positive, was " + PolicyDurations.format(window));
    } else if (window != null && window.compareTo(RetryPolicy.LONGEST_INTERVAL) > 0) {
      add(path + ".window", "must not exceed 365 days, was " + PolicyDurations.format(window));
    }
    Integer minRetries = whole(budget, path, "minRetries", 0, MOST_MIN_RETRIES);
    for (String field : List.of("ratio", "window", "minRetries")) {
      if (budget.get(field) == null) {
        add(path + "." + field, "required");
      }
    }
    if (problems.size() != before) {
      return null;
    }
    return new RetryBudget(ratio, window, minRetries);
  }

  private Integer whole(Map<String, ?> object, String path, String field, int least, int most) {
    Object value = object.get(field);
    if (value == null) {
      return null;
    }
    String at = path + "." + field;
    if (!(value instanceof Number number)) {
      add(at, "must be a whole number, was " + kind(value));
      return null;
    }
    double n = number.doubleValue();
    if (n != Math.rint(n) || Double.isInfinite(n)) {
      add(at, "must be a whole number, was " + number);
      return null;
    }
    if (n < least) {
      add(at, "must be at least %d, was %s".formatted(least, number));
      return null;
    }
    if (n > most) {
      add(at, "must be at most %d, was %s".formatted(most, number));
      return null;
    }
    return (int) n;
  }

  private Double number(
      Map<String, ?> object, String path, String field, double least, double most) {
    Object value = object.get(field);
    if (value == null) {
      return null;
    }
    String at = path + "." + field;
    if (!(value instanceof Number number)) {
      add(at, "must be a number, was " + kind(value));
      return null;
    }
    double n = number.doubleValue();
    if (!(n >= least && n <= most)) {
      add(at, "must be between %s and %s, was %s".formatted(plain(least), plain(most), number));
      return null;
    }
    return n;
  }

  private Double multiplier(Map<String, ?> policy, String path) {
    return number(policy, path, "multiplier", 1.0, MOST_MULTIPLIER);
  }

  private Duration interval(Map<String, ?> policy, String path, String field) {
    Duration interval = duration(policy, path, field);
    if (interval == null) {
      return null;
    }
    if (interval.isNegative()) {
      add(path + "." + field, "must not be negative, was " + interval);
      return null;
    }
    if (interval.compareTo(RetryPolicy.LONGEST_INTERVAL) > 0) {
      add(path + "." + field, "must not exceed 365 days, was " + PolicyDurations.format(interval));
      return null;
    }
    return interval;
  }

  private Duration deadline(Map<String, ?> policy, String path) {
    Duration deadline = duration(policy, path, "deadline");
    if (deadline == null) {
      return null;
    }
    if (deadline.isNegative() || deadline.isZero()) {
      add(path + ".deadline", "must be positive, was " + deadline);
      return null;
    }
    if (deadline.compareTo(RetryPolicy.LONGEST_INTERVAL) > 0) {
      add(path + ".deadline", "must not exceed 365 days, was " + PolicyDurations.format(deadline));
      return null;
    }
    return deadline;
  }

  private Duration duration(Map<String, ?> object, String path, String field) {
    Object value = object.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      add(path + "." + field, "must be a duration in a string such as \"30s\", was " + kind(value));
      return null;
    }
    try {
      return PolicyDurations.parse(text);
    } catch (IllegalArgumentException e) {
      add(path + "." + field, e.getMessage());
      return null;
    }
  }

  private Jitter jitter(Map<String, ?> policy, String path) {
    Object value = policy.get("jitter");
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      for (Jitter jitter : Jitter.values()) {
        if (jitter.name().equals(text.toUpperCase(Locale.ROOT))) {
          return jitter;
        }
      }
    }
    add(path + ".jitter", "must be FULL or NONE, was " + shown(value));
    return null;
  }

  private Set<FailureType> nonRetryable(Map<String, ?> policy, String path) {
    Object value = policy.get("nonRetryable");
    if (value == null) {
      return null;
    }
    String at = path + ".nonRetryable";
    if (!(value instanceof List<?> list)) {
      add(at, "must be an array of failure types, was " + kind(value));
      return null;
    }
    if (list.size() > FailureType.values().length) {
      add(at, "at most %d entries, was %d".formatted(FailureType.values().length, list.size()));
      return null;
    }
    Set<FailureType> types = EnumSet.noneOf(FailureType.class);
    for (int i = 0; i < list.size(); i++) {
      FailureType type = failureType(list.get(i));
      if (type == null) {
        add(
            at + "[" + i + "]",
            "must be one of %s, was %s"
                .formatted(List.of(FailureType.values()), shown(list.get(i))));
        return null;
      }
      types.add(type);
    }
    return types;
  }

  private static FailureType failureType(Object value) {
    if (value instanceof String text) {
      for (FailureType type : FailureType.values()) {
        if (type.name().equals(text.toUpperCase(Locale.ROOT))) {
          return type;
        }
      }
    }
    return null;
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    return value instanceof Boolean ? "a boolean" : value.getClass().getSimpleName();
  }

  private static String shown(Object value) {
    if (value instanceof String text) {
      return "\"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
    }
    return kind(value);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
