package dev.redrive.coordinator.persistence;

import dev.redrive.coordinator.app.StatementPlans;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * PostgreSQL's {@code plan_cache_mode}, switched within the transaction: PgJDBC prepares a
 * statement on the server once a connection has run it a few times, and the server then either
 * plans it for each execution's values (a custom plan, what the coordinator's connections ask for
 * with {@code force_custom_plan}) or reuses one plan (a generic plan).
 */
@Repository
public class JdbcStatementPlans implements StatementPlans {

  private final JdbcClient jdbc;

  public JdbcStatementPlans(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void withCachedPlans(Runnable writes) {
    jdbc.sql("SET LOCAL plan_cache_mode = force_generic_plan").update();
    try {
      writes.run();
    } finally {
      jdbc.sql("SET LOCAL plan_cache_mode = force_custom_plan").update();
    }
  }
}
