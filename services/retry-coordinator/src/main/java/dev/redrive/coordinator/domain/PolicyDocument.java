package dev.redrive.coordinator.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policy set as a document people write, store and send: defaults, the retry budget, and the
 * overrides by source, by pipeline and by phase of a pipeline (per-execution overrides are not part
 * of it).
 *
 * <pre>{@code
 * {"defaults": {"maxAttempts": 3, "initialInterval": "1s", "multiplier": 2.0, "maxInterval": "5m",
 *               "jitter": "FULL", "nonRetryable": ["UNAUTHORIZED_WRITE"], "deadline": "1h"},
 *  "budget": {"ratio": 0.2, "window": "1m", "minRetries": 10},
 *  "sources": {"billing": {"maxAttempts": 5}},
 *  "pipelines": {"demo": {"policy": {"maxAttempts": 4}, "phases": {"build": {"maxAttempts": 6}}}}}
 * }</pre>
 *
 * The document is a plain Java tree, as a JSON parser gives it ({@code Map<String, ?>} for objects,
 * {@code List<?>} for arrays, {@code String}, {@code Number}, {@code Boolean}, null), so that the
 * domain stays free of any JSON library; the adapters convert at the edge and bound the document's
 * size ({@link #MAX_BYTES}).
 */
public final class PolicyDocument {

  /** Largest document accepted, in bytes of JSON. */
  public static final int MAX_BYTES = 64 * 1024;

  /** Most sources, pipelines, phases per pipeline a document may name. */
  public static final int MAX_SOURCES = 200;

  public static final int MAX_PIPELINES = 200;
  public static final int MAX_PHASES = 100;

  /** Longest name of a source, pipeline or phase. */
  public static final int MAX_NAME_LENGTH = 200;

  private static final Set<String> TOP = Set.of("defaults", "budget", "sources", "pipelines");
  private static final Set<String> PIPELINE = Set.of("policy", "phases");

  private PolicyDocument() {}

  /**
   * The policy set a document describes.
   *
   * @throws InvalidPolicyException naming the path of every field that is missing, unknown or out
   *     of range
   */
  public static PolicySet toPolicySet(Map<String, ?> document, long version) {
    PolicyFields fields = new PolicyFields();
    if (document == null) {
      throw new InvalidPolicyException(List.of("document: must be a JSON object"));
    }
    fields.refuseUnknown(document, "", TOP, "defaults, budget, sources, pipelines");
    RetryPolicy defaults =
        fields.completePolicy(required(document, "defaults", fields), "defaults");
    RetryBudget budget = fields.budget(required(document, "budget", fields), "budget");
    Map<String, PolicyOverride> bySource = new HashMap<>();
    named(document.get("sources"), "sources", MAX_SOURCES, fields)
        .forEach((name, node) -> put(bySource, name, fields.override(node, "sources." + name)));
    Map<String, PolicyOverride> byPipeline = new HashMap<>();
    Map<String, Map<String, PolicyOverride>> byPhase = new HashMap<>();
    named(document.get("pipelines"), "pipelines", MAX_PIPELINES, fields)
        .forEach(
            (name, node) -> {
              String path = "pipelines." + name;
              Map<String, ?> pipeline = fields.object(node, path);
              if (pipeline == null) {
                return;
              }
              fields.refuseUnknown(pipeline, path, PIPELINE, "policy, phases");
              Object policy = pipeline.get("policy");
              put(
                  byPipeline,
                  name,
                  policy == null ? PolicyOverride.NONE : fields.override(policy, path + ".policy"));
              Map<String, PolicyOverride> phases = new HashMap<>();
              named(pipeline.get("phases"), path + ".phases", MAX_PHASES, fields)
                  .forEach(
                      (phase, settings) ->
                          put(phases, phase, fields.override(settings, path + ".phases." + phase)));
              if (!phases.isEmpty()) {
                byPhase.put(name, phases);
              }
            });
    fields.throwIfAny();
    return new PolicySet(
        version, new PolicyCatalog(defaults, bySource, byPipeline, byPhase), budget, Map.of());
  }

  /**
   * One policy object with at least one field set, as a person's override for one execution takes
   * it.
   *
   * @param path the name of the object in messages ({@code override})
   * @throws InvalidPolicyException naming the path of every field that is unknown or out of range
   */
  public static PolicyOverride toOverride(Object policy, String path) {
    PolicyFields fields = new PolicyFields();
    PolicyOverride override = fields.override(policy, path);
    if (override != null && override.equals(PolicyOverride.NONE)) {
      fields.add(path, "set at least one of " + String.join(", ", PolicyOverride.FIELDS));
    }
    fields.throwIfAny();
    return override;
  }

  /** The document of a policy set (its per-execution overrides left out), names in order. */
  public static Map<String, Object> of(PolicySet set) {
    PolicyCatalog catalog = set.catalog();
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("defaults", of(asOverride(catalog.defaults())));
    Map<String, Object> budget = new LinkedHashMap<>();
    budget.put("ratio", set.budget().ratio());
    budget.put("window", PolicyDurations.format(set.budget().window()));
    budget.put("minRetries", set.budget().minRetries());
    document.put("budget", budget);
    Map<String, Object> sources = new TreeMap<>();
    catalog.bySource().forEach((name, override) -> sources.put(name, of(override)));
    document.put("sources", sources);
    Map<String, Object> pipelines = new TreeMap<>();
    Set<String> names = new TreeSet<>(catalog.byPipeline().keySet());
    names.addAll(catalog.byPipelinePhase().keySet());
    for (String name : names) {
      Map<String, Object> pipeline = new LinkedHashMap<>();
      PolicyOverride policy = catalog.byPipeline().getOrDefault(name, PolicyOverride.NONE);
      if (!policy.equals(PolicyOverride.NONE)) {
        pipeline.put("policy", of(policy));
      }
      Map<String, PolicyOverride> phases = catalog.byPipelinePhase().getOrDefault(name, Map.of());
      if (!phases.isEmpty()) {
        Map<String, Object> byPhase = new TreeMap<>();
        phases.forEach((phase, override) -> byPhase.put(phase, of(override)));
        pipeline.put("phases", byPhase);
      }
      pipelines.put(name, pipeline);
    }
    document.put("pipelines", pipelines);
    return document;
  }

  /** One policy object: the fields the override sets, in the order of {@link RetryPolicy}. */
  public static Map<String, Object> of(PolicyOverride override) {
    Map<String, Object> policy = new LinkedHashMap<>();
    if (override.maxAttempts() != null) {
      policy.put("maxAttempts", override.maxAttempts());
    }
    putDuration(policy, "initialInterval", override.initialInterval());
    if (override.multiplier() != null) {
      policy.put("multiplier", override.multiplier());
    }
    putDuration(policy, "maxInterval", override.maxInterval());
    if (override.jitter() != null) {
      policy.put("jitter", override.jitter().name());
    }
    if (override.nonRetryable() != null) {
      policy.put(
          "nonRetryable", override.nonRetryable().stream().sorted().map(Enum::name).toList());
    }
    putDuration(policy, "deadline", override.deadline());
    return policy;
  }

  /** A complete policy as an override that sets every field it has. */
  public static PolicyOverride asOverride(RetryPolicy policy) {
    return new PolicyOverride(
        policy.maxAttempts(),
        policy.initialInterval(),
        policy.multiplier(),
        policy.maxInterval(),
        policy.jitter(),
        policy.nonRetryable(),
        policy.deadline());
  }

  private static void putDuration(Map<String, Object> policy, String name, Duration value) {
    if (value != null) {
      policy.put(name, PolicyDurations.format(value));
    }
  }

  private static Object required(Map<String, ?> document, String name, PolicyFields fields) {
    Object node = document.get(name);
    if (node == null) {
      fields.add(name, "required");
    }
    return node;
  }

  /** The entries of a map of names, checked for count and names; empty when absent or wrong. */
  private static Map<String, Object> named(
      Object node, String path, int most, PolicyFields fields) {
    Map<String, Object> entries = new LinkedHashMap<>();
    if (node == null) {
      return entries;
    }
    Map<String, ?> map = fields.object(node, path);
    if (map == null) {
      return entries;
    }
    if (map.size() > most) {
      fields.add(path, "at most %d entries, was %d".formatted(most, map.size()));
      return entries;
    }
    List<String> bad = new ArrayList<>();
    map.forEach(
        (name, value) -> {
          String problem = nameProblem(name);
          if (problem != null) {
            bad.add(problem);
          } else {
            entries.put(name, value);
          }
        });
    bad.forEach(problem -> fields.add(path, problem));
    return entries;
  }

  private static String nameProblem(String name) {
    if (name.isBlank()) {
      return "a name must not be blank";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "the name \"%s...\" is longer than %d characters"
          .formatted(name.substring(0, 20), MAX_NAME_LENGTH);
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return "a name must not contain control characters";
    }
    return null;
  }

  private static <T> void put(Map<String, T> map, String name, T value) {
    if (value != null) {
      map.put(name, value);
    }
  }
}
