package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.testkit.RedriveInfrastructure;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V18 gives each change of an execution's override its origin: the drops the coordinator made
 * before it (kept with changed_by null) are told from a person's changes by their reason.
 */
class PolicyChangeOriginMigrationIT {

  private final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void shouldGiveTheChangesMadeBeforeV18TheirOrigin() {
    DriverManagerDataSource dataSource =
        CoordinatorSchema.database(
            infrastructure, "policy_change_origin", MigrationVersion.fromVersion("17"));
    JdbcClient jdbc = JdbcClient.create(dataSource);
    change(jdbc, "exec-1", 1, "{\"maxAttempts\": 4}", "bob", "vendor outage");
    change(jdbc, "exec-1", 2, null, null, "the execution succeeded; nothing is left to decide");
    change(jdbc, "exec-2", 1, "{\"maxAttempts\": 4}", null, "no name given");
    change(jdbc, "exec-2", 2, null, null, "vendor is back");

    CoordinatorSchema.migrate(dataSource, MigrationVersion.LATEST);

    assertThat(
            jdbc.sql(
                    "SELECT execution_id || ' ' || version || ' ' || origin"
                        + " FROM execution_policy_change ORDER BY execution_id, version")
                .query(String.class)
                .list())
        .containsExactly("exec-1 1 api", "exec-1 2 coordinator", "exec-2 1 api", "exec-2 2 api");
    assertThatThrownBy(
            () ->
                jdbc.sql(
                        """
                        INSERT INTO execution_policy_change
                          (execution_id, version, origin, reason, summary)
                        VALUES ('exec-3', 1, 'someone', 'r', 's')""")
                    .update())
        .as("an origin other than api or coordinator")
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  private static void change(
      JdbcClient jdbc,
      String executionId,
      long version,
      String override,
      String changedBy,
      String reason) {
    jdbc.sql(
            """
            INSERT INTO execution_policy_change
              (execution_id, version, override, changed_by, reason, summary)
            VALUES (?, ?, ?::jsonb, ?, ?, 'summary')""")
        .params(executionId, version, override, changedBy, reason)
        .update();
  }
}
