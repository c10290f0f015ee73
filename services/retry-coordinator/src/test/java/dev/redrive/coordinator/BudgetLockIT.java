package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.persistence.CoordinatorStore;
import dev.redrive.coordinator.persistence.CoordinatorStore.BudgetCounts;
import dev.redrive.coordinator.persistence.CoordinatorStore.BudgetScope;
import dev.redrive.testkit.RedriveInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two consumers weighing retries against one budget at once: the second waits for the first to
 * commit and then counts its retries, so the two cannot both spend the same headroom.
 */
class BudgetLockIT {

  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final BudgetScope PIPELINE = new BudgetScope("pipeline", "payments");
  private static final BudgetScope SOURCE = new BudgetScope("source", "billing");

  private final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void aSecondBatchWaitsForTheFirstAndSeesItsRetries() throws Exception {
    DriverManagerDataSource dataSource = migratedDatabase();
    CoordinatorStore store =
        new CoordinatorStore(JdbcClient.create(dataSource), JsonMapper.builder().build());
    TransactionTemplate transactions =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));

    // given a batch that locked both budgets (a scope never seen before) and spent one retry
    BudgetHolder first =
        BudgetHolder.hold(
            store,
            transactions,
            Map.of(PIPELINE, new BudgetCounts(1, 1), SOURCE, new BudgetCounts(1, 1)),
            WINDOW);

    // when another batch weighs a retry of the same pipeline
    CompletableFuture<BudgetCounts> second =
        CompletableFuture.supplyAsync(
            () ->
                transactions.execute(
                    status -> {
                      store.lockBudgets(List.of(PIPELINE));
                      return store.budgetWindow(List.of(PIPELINE), WINDOW).counts().get(PIPELINE);
                    }));

    // then it waits until the first commits, and counts the first one's retry
    assertThat(second)
        .as("the second batch waits for the lock")
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.TimeoutException.class);
    first.commit();
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(new BudgetCounts(1, 1));
  }

  private DriverManagerDataSource migratedDatabase() {
    String url = infrastructure.createDatabase("budget");
    Flyway.configure()
        .dataSource(url, infrastructure.jdbcUser(), infrastructure.jdbcPassword())
        .schemas("coordinator")
        .locations("classpath:db/coordinator", "classpath:db/redrive-support")
        .outOfOrder(true)
        .load()
        .migrate();
    return new DriverManagerDataSource(
        url + (url.contains("?") ? "&" : "?") + "currentSchema=coordinator",
        infrastructure.jdbcUser(),
        infrastructure.jdbcPassword());
  }
}
