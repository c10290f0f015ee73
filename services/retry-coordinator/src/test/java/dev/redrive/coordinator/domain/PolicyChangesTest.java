package dev.redrive.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicyChangesTest {

  @Test
  void shouldListEachChangedFieldWithItsPathAndBothValues() {
    Map<String, Object> before =
        PolicyDocument.of(PolicyDocument.toPolicySet(PolicyDocumentTest.example(), 1));
    Map<String, Object> changed = PolicyDocumentTest.example();
    changed.put("sources", Map.of());
    changed.put(
        "pipelines",
        Map.of(
            "demo",
            Map.of(
                "policy",
                Map.of("maxAttempts", 4),
                "phases",
                Map.of("build", Map.of("maxAttempts", 7)))));
    Map<String, Object> after = PolicyDocument.of(PolicyDocument.toPolicySet(changed, 2));

    assertThat(PolicyChanges.summary(before, after))
        .isEqualTo(
            "pipelines.demo.phases.build.maxAttempts 6 -> 7; sources.billing.maxAttempts 5 -> (none)");
  }

  @Test
  void shouldSayNoChangeAndNameFieldsOfAnOverride() {
    assertThat(PolicyChanges.summary(Map.of("maxAttempts", 3), Map.of("maxAttempts", 3)))
        .isEqualTo("no change");
    assertThat(PolicyChanges.summary(null, Map.of("maxAttempts", 3, "jitter", "NONE")))
        .isEqualTo("jitter (none) -> NONE; maxAttempts (none) -> 3");
  }

  @Test
  void shouldCountTheChangesBeyondItsLength() {
    Map<String, Object> sources = new LinkedHashMap<>();
    IntStream.range(0, 100).forEach(i -> sources.put("source-" + i, Map.of("maxAttempts", 4)));

    String summary = PolicyChanges.summary(Map.of(), Map.of("sources", sources));

    assertThat(summary).hasSizeLessThanOrEqualTo(PolicyChanges.MAX_CHARS).contains("; and ");
    assertThat(summary).endsWith(" more");
  }
}
