package dev.redrive.coordinator;

import dev.redrive.testkit.RedriveInfrastructure;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The coordinator's schema in a database of its own, migrated as the coordinator migrates it, for
 * tests of the stores and of the migrations themselves (no Spring, no broker).
 */
final class CoordinatorSchema {

  private CoordinatorSchema() {}

  /**
   * A new database migrated up to {@code version}; its data source works in the coordinator's
   * schema.
   */
  static DriverManagerDataSource database(
      RedriveInfrastructure infrastructure, String name, MigrationVersion version) {
    String url = infrastructure.createDatabase(name);
    DriverManagerDataSource dataSource =
        new DriverManagerDataSource(
            url + (url.contains("?") ? "&" : "?") + "currentSchema=coordinator",
            infrastructure.jdbcUser(),
            infrastructure.jdbcPassword());
    migrate(dataSource, version);
    return dataSource;
  }

  /** Migrates the database further, up to {@code version}. */
  static void migrate(DataSource dataSource, MigrationVersion version) {
    Flyway.configure()
        .dataSource(dataSource)
        .schemas("coordinator")
        .locations("classpath:db/coordinator", "classpath:db/redrive-support")
        .outOfOrder(true)
        .target(version)
        .load()
        .migrate();
  }
}
