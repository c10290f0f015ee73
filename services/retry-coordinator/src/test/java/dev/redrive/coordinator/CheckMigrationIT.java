package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.persistence.JdbcAttemptLog;
import dev.redrive.testkit.RedriveInfrastructure;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Migration V4 moves the checks of failed attempts from the table {@code attempt_check} into the
 * attempt row: a database written before it keeps every check, in its order, and the coordinator
 * reads them back into the history of the phase.
 */
class CheckMigrationIT {

  private final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void checksRecordedBeforeV4AreInTheHistoryAfterIt() {
    DriverManagerDataSource dataSource =
        CoordinatorSchema.database(infrastructure, "migration", MigrationVersion.fromVersion("3"));
    JdbcClient jdbc = JdbcClient.create(dataSource);
    jdbc.sql(
            """
            INSERT INTO coordinator.attempt (attempt_id, execution_id, phase, attempt_number,
              outcome, failure_type, hard, error_type, error_message, duration_ms, occurred_at)
            VALUES ('a-1', 'exec-1', 'build', 1, 'FAILED', 'EXIT_CRITERIA_NOT_MET', false,
              'check failed', 'balance below zero', 1200, now()),
              ('a-2', 'exec-1', 'build', 2, 'FAILED', 'COMMAND_FAILED', false, 'exit', 'exit 1',
              300, now() + interval '1 second')""")
        .update();
    jdbc.sql(
            """
            INSERT INTO coordinator.attempt_check (attempt_id, position, name, passed,
              output_excerpt)
            VALUES ('a-1', 1, 'currency', true, NULL), ('a-1', 0, 'balance', false, '-3.00')""")
        .update();

    CoordinatorSchema.migrate(dataSource, MigrationVersion.LATEST);

    JdbcAttemptLog store =
        new JdbcAttemptLog(JdbcClient.create(dataSource), JsonMapper.builder().build());
    List<Failure> history = store.failures("exec-1", "build");
    assertThat(history).extracting(Failure::attemptId).containsExactly("a-1", "a-2");
    assertThat(history.get(0).checks())
        .containsExactly(
            new CheckOutcome("balance", false, "-3.00"), new CheckOutcome("currency", true, null));
    assertThat(history.get(1).checks()).isEmpty();
    assertThat(
            jdbc.sql("SELECT to_regclass('coordinator.attempt_check') IS NULL")
                .query(Boolean.class)
                .single())
        .as("attempt_check is dropped")
        .isTrue();
  }
}
