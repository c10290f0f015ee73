package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Finding metric names in PromQL, and the shape of the provisioned dashboards. */
class DashboardQueriesTest {

  private static final Path DASHBOARDS = repositoryRoot().resolve("deploy/grafana/dashboards");

  @Test
  void shouldFindTheMetricsOfAnAggregatedRate() {
    assertThat(
            DashboardQueries.metricNames(
                "sum by (type) (rate(redrive_failures_total{pipeline=~\"$pipeline\"}[$__rate_interval]))"))
        .containsExactly("redrive_failures_total");
  }

  @Test
  void shouldFindBothSidesOfABinaryExpressionAndSkipFunctionsAndLabels() {
    assertThat(
            DashboardQueries.metricNames(
                "sum(rate(a_seconds_count[5m])) - (sum without (instance) (rate(b_total[1m] offset"
                    + " 5m)) or vector(0)) / on(job) group_left(le) c_bucket > bool 0.99"))
        .containsExactlyInAnyOrder("a_seconds_count", "b_total", "c_bucket");
  }

  @Test
  void shouldIgnoreStringsNumbersAndGrafanaVariables() {
    assertThat(
            DashboardQueries.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(x_bucket{topic=\"redrive.commands\","
                    + " a='b(c)'}[${__rate_interval}]))) * 1e3 + $offset"))
        .containsExactly("x_bucket");
  }

  @Test
  void shouldReadVariableQueries() {
    assertThat(DashboardQueries.variableMetricNames("label_values(up{job=\"x\"}, instance)"))
        .containsExactly("up");
    assertThat(DashboardQueries.variableMetricNames("label_values(pipeline)")).isEmpty();
    assertThat(DashboardQueries.variableMetricNames("query_result(max(m_total) by (a))"))
        .containsExactly("m_total");
  }

  @Test
  void shouldFindTheQueriesOfTheRedriveOverview() {
    Map<String, Set<String>> queried = DashboardQueries.inFolder(DASHBOARDS);

    assertThat(queried)
        .containsKeys(
            "redrive_failures_total",
            "redrive_retries_scheduled_total",
            "redrive_retries_refused_total",
            "redrive_interventions_total",
            "redrive_retries_succeeded_total",
            "redrive_executions_paused",
            "redrive_attempts_until_success_bucket",
            "redrive_decision_latency_seconds_bucket",
            "redrive_outbox_lag_seconds_bucket",
            "redrive_outbox_backlog",
            "redrive_outbox_parked",
            "redrive_outbox_oldest_age_seconds",
            "redrive_dlt_records_total",
            "redrive_dlt_deferred_total",
            "redrive_dlt_letters",
            "redrive_dlt_replayed_total",
            "redrive_dlt_replay_skipped_total",
            "redrive_dlt_replay_failed_total",
            "redrive_dlt_reparked_total",
            "redrive_phase_duration_seconds_count",
            "redrive_audit_events_total",
            "kafka_consumer_fetch_manager_records_lag_max");
    assertThat(queried.get("redrive_phase_duration_seconds_count"))
        .contains("redrive-overview.json: variable pipeline");
  }

  @Test
  void shouldUseTheProvisionedDatasourceAndUniqueIdsInEveryDashboard() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonNode dashboard = json.readTree(Files.readString(file));
        assertThat(dashboard.path("uid").asString("")).as(file + " uid").isNotBlank();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
          String title = file.getFileName() + ": " + panel.path("title").asString();
          assertThat(ids.add(panel.path("id").asInt())).as(title + " id is unique").isTrue();
          if ("row".equals(panel.path("type").asString())) {
            continue;
          }
          assertThat(panel.path("datasource").path("uid").asString())
              .as(title)
              .isEqualTo("prometheus");
          assertThat(panel.path("targets").size()).as(title + " has queries").isPositive();
          for (JsonNode target : panel.path("targets")) {
            assertThat(target.path("datasource").path("uid").asString())
                .as(title)
                .isEqualTo("prometheus");
            assertThat(DashboardQueries.metricNames(target.path("expr").asString()))
                .as(title + " queries a metric")
                .isNotEmpty();
          }
        }
      }
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a folder above the working directory with docker-compose.yml").isNotNull();
    return dir;
  }
}
