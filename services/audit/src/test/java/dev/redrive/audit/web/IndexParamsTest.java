package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.support.web.InvalidFieldException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexParamsTest {

  @Test
  void readsEveryCriterionAndTakesEmptyFieldsAsNone() {
    IndexParams params =
        IndexParams.ofPage(
            query("pipeline", "demo", "status", "PAUSED", "q", "exec_05", "limit", "20"));
    IndexParams empty = IndexParams.ofPage(query("pipeline", "", "status", "", "q", " "));

    assertThat(params.query().pipeline()).isEqualTo("demo");
    assertThat(params.query().status()).isEqualTo(ExecutionStatus.PAUSED);
    assertThat(params.query().idContains()).isEqualTo("exec_05");
    assertThat(params.query().limit()).isEqualTo(20);
    assertThat(empty.query().pipeline()).isNull();
    assertThat(empty.query().status()).isNull();
    assertThat(empty.query().idContains()).isNull();
    assertThat(empty.query().limit()).isEqualTo(IndexParams.DEFAULT_LIMIT);
  }

  @Test
  void refusesEachBadValueNamingTheParameter() {
    assertRefused(query("limit", "201"), "limit", "from 1 to 200");
    assertRefused(query("limit", "0"), "limit", "from 1 to 200");
    assertRefused(query("status", "DONE"), "status", "one of RUNNING");
    assertRefused(query("q", "x".repeat(129)), "q", "at most 128");
    assertRefused(query("q", "exec<script>"), "q", "part of an execution id");
    assertRefused(query("pipeline", "p".repeat(257)), "pipeline", "at most 256");
    assertRefused(query("pipeline", "a\nb"), "pipeline", "without control");
    assertRefused(query("after", "not-a-cursor"), "after", "'next' link");
    assertRefused(query("after", "1~" + "x".repeat(200)), "after", "at most 160");
    assertRefused(query("nope", "1"), "nope", "not known here; known: after, limit");
    assertRefused(query("since", "2026-11-23T00:00:00Z"), "since", "not known here");
  }

  @Test
  void refusesAParameterGivenTwice() {
    Map<String, String[]> twice = Map.of("status", new String[] {"PAUSED", "RUNNING"});

    assertThatThrownBy(() -> IndexParams.ofPage(twice))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("status"))
        .hasMessageContaining("given 2 times");
  }

  @Test
  void theStreamTakesTheFiltersAndSinceButNoCursor() {
    IndexParams params =
        IndexParams.ofStream(query("pipeline", "demo", "since", "2026-11-23T15:41:51.268Z"));

    assertThat(params.since()).hasToString("2026-11-23T15:41:51.268Z");
    assertThatThrownBy(() -> IndexParams.ofStream(query("since", "yesterday")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("since"));
    assertThatThrownBy(() -> IndexParams.ofStream(query("after", "1~x")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("after"));
  }

  private static void assertRefused(Map<String, String[]> query, String field, String says) {
    assertThatThrownBy(() -> IndexParams.ofPage(query))
        .as(field)
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(says);
  }

  private static Map<String, String[]> query(String... namesAndValues) {
    Map<String, String[]> query = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      query.put(namesAndValues[i], new String[] {namesAndValues[i + 1]});
    }
    return query;
  }
}
