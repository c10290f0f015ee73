package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {

  /** The example of the README, as a JSON parser gives it. */
  static Map<String, Object> example() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put(
        "defaults",
        new LinkedHashMap<>(
            Map.of(
                "maxAttempts", 3,
                "initialInterval", "1s",
                "multiplier", 2.0,
                "maxInterval", "5m",
                "jitter", "FULL",
                "nonRetryable", List.of("UNAUTHORIZED_WRITE"),
                "deadline", "1h")));
    document.put("budget", Map.of("ratio", 0.2, "window", "1m", "minRetries", 10));
    document.put("sources", Map.of("billing", Map.of("maxAttempts", 5)));
    document.put(
        "pipelines",
        Map.of(
            "demo",
            Map.of(
                "policy",
                Map.of("maxAttempts", 4),
                "phases",
                Map.of("build", new LinkedHashMap<>(Map.of("maxAttempts", 6))))));
    return document;
  }

  private static Map<String, Object> with(String path, Object value) {
    Map<String, Object> document = deepCopy(example());
    String[] parts = path.split("\\.");
    Map<String, Object> at = document;
    for (int i = 0; i < parts.length - 1; i++) {
      at = castMap(at.get(parts[i]));
    }
    at.put(parts[parts.length - 1], value);
    return document;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object node) {
    return (Map<String, Object>) node;
  }

  private static Map<String, Object> deepCopy(Map<String, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy(castMap(m)) : v));
    return copy;
  }

  private static String problemOf(Map<String, ?> document) {
    return assertThatThrownBy(() -> PolicyDocument.toPolicySet(document, 1))
        .isInstanceOf(InvalidPolicyException.class)
        .actual()
        .getMessage();
  }

  @Test
  void shouldReadEveryLayerOfTheDocumentIntoThePolicySet() {
    PolicySet set = PolicyDocument.toPolicySet(example(), 7);

    assertThat(set.version()).isEqualTo(7);
    assertThat(set.catalog().defaults())
        .isEqualTo(
            new RetryPolicy(
                3,
                Duration.ofSeconds(1),
                2.0,
                Duration.ofMinutes(5),
                Jitter.FULL,
                Set.of(FailureType.UNAUTHORIZED_WRITE),
                Duration.ofHours(1)));
    assertThat(set.budget()).isEqualTo(new RetryBudget(0.2, Duration.ofMinutes(1), 10));
    ResolvedPolicy build = set.resolve("e1", "billing", "demo", "build", PolicyOverride.NONE);
    assertThat(build.policy().maxAttempts()).isEqualTo(6);
    assertThat(build.origins()).containsEntry("maxAttempts", "phase demo/build");
    assertThat(
            set.resolve("e1", "billing", "other", "x", PolicyOverride.NONE).policy().maxAttempts())
        .isEqualTo(5);
    assertThat(
            set.resolve("e1", "runner", "demo", "test", PolicyOverride.NONE).policy().maxAttempts())
        .isEqualTo(4);
  }

  @Test
  void shouldWriteTheDocumentItReadsSoThatItRoundTrips() {
    PolicySet set = PolicyDocument.toPolicySet(example(), 1);

    Map<String, Object> written = PolicyDocument.of(set);

    assertThat(PolicyDocument.toPolicySet(written, 1)).isEqualTo(set);
    assertThat(castMap(written.get("defaults")))
        .containsEntry("initialInterval", "1s")
        .containsEntry("maxInterval", "5m")
        .containsEntry("deadline", "1h")
        .containsEntry("nonRetryable", List.of("UNAUTHORIZED_WRITE"));
    assertThat(castMap(written.get("budget"))).containsEntry("window", "1m");
    assertThat(PolicyDocument.of(PolicyDocument.toPolicySet(written, 1))).isEqualTo(written);
  }

  @Test
  void shouldAcceptDurationsAsSpringWritesThemAndIsoOnes() {
    PolicySet set = PolicyDocument.toPolicySet(with("defaults.initialInterval", "PT0.25S"), 1);
    assertThat(set.catalog().defaults().initialInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(PolicyDurations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(PolicyDurations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(PolicyDurations.parse("500")).isEqualTo(Duration.ofMillis(500));
    assertThat(PolicyDurations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(PolicyDurations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(PolicyDurations.format(Duration.ofHours(48))).isEqualTo("2d");
  }

  @Test
  void shouldNameThePathOfAFieldOutOfRange() {
    assertThat(problemOf(with("pipelines.demo.phases.build.maxAttempts", 0)))
        .isEqualTo("pipelines.demo.phases.build.maxAttempts: must be at least 1, was 0");
    assertThat(problemOf(with("defaults.multiplier", 0.5)))
        .isEqualTo("defaults.multiplier: must be between 1 and 1000, was 0.5");
    assertThat(problemOf(with("budget.ratio", 1.5)))
        .isEqualTo("budget.ratio: must be between 0 and 1, was 1.5");
    assertThat(problemOf(with("sources.billing", Map.of("maxInterval", "400d"))))
        .isEqualTo("sources.billing.maxInterval: must not exceed 365 days, was 400d");
    assertThat(problemOf(with("defaults.deadline", "0s")))
        .startsWith("defaults.deadline: must be positive");
    assertThat(problemOf(with("defaults.maxAttempts", 2.5)))
        .isEqualTo("defaults.maxAttempts: must be a whole number, was 2.5");
  }

  @Test
  void shouldNameThePathOfValuesOfTheWrongKind() {
    assertThat(problemOf(with("defaults.initialInterval", "soon")))
        .startsWith("defaults.initialInterval: must be a duration such as 30s");
    assertThat(problemOf(with("defaults.jitter", "SOME")))
        .isEqualTo("defaults.jitter: must be FULL or NONE, was \"SOME\"");
    assertThat(problemOf(with("defaults.nonRetryable", List.of("TIMEOUT", "NOPE"))))
        .startsWith("defaults.nonRetryable[1]: must be one of [MISSING_OUTPUT");
    assertThat(problemOf(with("sources", List.of())))
        .isEqualTo("sources: must be an object, was an array");
    assertThat(problemOf(with("defaults.maxAttempts", "3")))
        .isEqualTo("defaults.maxAttempts: must be a whole number, was a string");
  }

  @Test
  void shouldRefuseUnknownFieldsWithTheirPath() {
    assertThat(problemOf(with("pipelines.demo.phases.build.maxAttempt", 3)))
        .startsWith("pipelines.demo.phases.build.maxAttempt: unknown field; expected one of");
    assertThat(problemOf(with("budgets", Map.of())))
        .startsWith("budgets: unknown field; expected one of defaults, budget");
    assertThat(problemOf(with("pipelines.demo.phase", Map.of())))
        .isEqualTo("pipelines.demo.phase: unknown field; expected one of policy, phases");
  }

  @Test
  void shouldRequireTheDefaultsAndTheBudgetInFull() {
    Map<String, Object> document = example();
    document.remove("budget");
    castMap(document.get("defaults")).remove("maxInterval");

    assertThat(problemOf(document))
        .isEqualTo("defaults.maxInterval: required in defaults; budget: required");
  }

  @Test
  void shouldReportEveryProblemNotOnlyTheFirst() {
    Map<String, Object> document = with("defaults.maxAttempts", 0);
    castMap(castMap(document.get("sources")).get("billing")).put("jitter", "X");

    assertThatThrownBy(() -> PolicyDocument.toPolicySet(document, 1))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "defaults.maxAttempts: must be at least 1, was 0",
                        "sources.billing.jitter: must be FULL or NONE, was \"X\""));
  }

  @Test
  void shouldBoundTheNumberOfSourcesPipelinesAndPhasesAndTheLengthOfNames() {
    Map<String, Object> many = new LinkedHashMap<>();
    IntStream.range(0, 201).forEach(i -> many.put("s" + i, Map.of("maxAttempts", 2)));
    assertThat(problemOf(with("sources", many))).isEqualTo("sources: at most 200 entries, was 201");
    assertThat(problemOf(with("pipelines", many)))
        .isEqualTo("pipelines: at most 200 entries, was 201");
    Map<String, Object> phases = new LinkedHashMap<>();
    IntStream.range(0, 101).forEach(i -> phases.put("p" + i, Map.of("maxAttempts", 2)));
    assertThat(problemOf(with("pipelines.demo.phases", phases)))
        .isEqualTo("pipelines.demo.phases: at most 100 entries, was 101");
    assertThat(problemOf(with("sources", Map.of("x".repeat(201), Map.of()))))
        .startsWith("sources: the name \"xxxxxxxxxxxxxxxxxxxx...\" is longer than 200 characters");
  }

  @Test
  void shouldReadAnExecutionsOverrideAndRefuseAnEmptyOne() {
    PolicyOverride override =
        PolicyDocument.toOverride(Map.of("maxAttempts", 9, "jitter", "none"), "override");

    assertThat(override)
        .isEqualTo(new PolicyOverride(9, null, null, null, Jitter.NONE, null, null));
    assertThat(PolicyDocument.of(override))
        .containsExactly(Map.entry("maxAttempts", 9), Map.entry("jitter", "NONE"));
    assertThatThrownBy(() -> PolicyDocument.toOverride(Map.of(), "override"))
        .hasMessage(
            "override: set at least one of maxAttempts, initialInterval, multiplier, maxInterval,"
                + " jitter, nonRetryable, deadline");
    assertThatThrownBy(() -> PolicyDocument.toOverride(Map.of("maxAttempts", -1), "override"))
        .hasMessage("override.maxAttempts: must be at least 1, was -1");
  }

  @Test
  void shouldWriteTheConfigurationsCatalogWithoutEmptyPipelineEntries() {
    PolicyCatalog catalog =
        new PolicyCatalog(
            RetryPolicy.defaults(),
            Map.of(),
            Map.of("payments", PolicyOverride.NONE),
            Map.of(
                "payments",
                Map.of("settle", new PolicyOverride(3, null, null, null, null, null, null))));
    PolicySet set =
        new PolicySet(0, catalog, new RetryBudget(0.2, Duration.ofMinutes(1), 10), Map.of());

    Map<String, Object> document = PolicyDocument.of(set);

    assertThat(castMap(document.get("pipelines")))
        .isEqualTo(
            Map.of("payments", Map.of("phases", Map.of("settle", Map.of("maxAttempts", 3)))));
    assertThat(castMap(document.get("defaults"))).doesNotContainKey("deadline");
    assertThat(PolicyDocument.of(PolicyDocument.toPolicySet(document, 0))).isEqualTo(document);
  }
}
