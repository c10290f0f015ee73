package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.app.BudgetCounts;
import dev.redrive.coordinator.app.BudgetScope;
import dev.redrive.coordinator.persistence.JdbcBudgetStore;
import dev.redrive.testkit.RedriveInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

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
    JdbcBudgetStore store = new JdbcBudgetStore(JdbcClient.create(dataSource));
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

  @Test
  void oldBucketsOfEveryScopeAreDeletedOncePerBucketWidthNotInEveryBatch() throws Exception {
    DriverManagerDataSource dataSource = migratedDatabase();
    JdbcClient jdbc = JdbcClient.create(dataSource);
    JdbcBudgetStore store = new JdbcBudgetStore(jdbc);
    TransactionTemplate transactions =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    // buckets of 3 s: the second batch below must come within one bucket width of the first, and
    // the third after it (real time: the store schedules the delete with System.nanoTime)
    Duration window = Duration.ofSeconds(36);
    Map<BudgetScope, BudgetCounts> oneRetry = Map.of(PIPELINE, new BudgetCounts(1, 1));

    // a bucket of another scope, older than two windows and a bucket, goes with the first batch
    insertBucket(jdbc, SOURCE, "100 seconds");
    transactions.executeWithoutResult(s -> store.countForBudget(oneRetry, window));
    assertThat(oldBuckets(jdbc)).isZero();

    // the next batch, within the same bucket width, leaves a new old one alone
    insertBucket(jdbc, SOURCE, "100 seconds");
    transactions.executeWithoutResult(s -> store.countForBudget(oneRetry, window));
    assertThat(oldBuckets(jdbc)).isEqualTo(1);

    // a batch once a bucket width has passed deletes it; the current buckets stay
    Thread.sleep(3_100);
    transactions.executeWithoutResult(s -> store.countForBudget(oneRetry, window));
    assertThat(oldBuckets(jdbc)).isZero();
    assertThat(store.budgetWindow(List.of(PIPELINE), window).counts().get(PIPELINE))
        .isEqualTo(new BudgetCounts(3, 3));
  }

  @Test
  void theWindowSumsTheBucketsInsideItOnceForEachScopeAskedFor() {
    DriverManagerDataSource dataSource = migratedDatabase();
    JdbcClient jdbc = JdbcClient.create(dataSource);
    JdbcBudgetStore store = new JdbcBudgetStore(jdbc);
    BudgetScope unknown = new BudgetScope("pipeline", "never-seen");
    // two buckets inside the window, one outside it; a version from a batch that locked the scope
    insertBucket(jdbc, PIPELINE, "10 seconds");
    insertBucket(jdbc, PIPELINE, "30 seconds");
    insertBucket(jdbc, PIPELINE, "90 seconds");
    store.lockBudgets(List.of(PIPELINE));

    // asked for the same scope twice and for one with no rows at all
    var window = store.budgetWindow(List.of(PIPELINE, unknown, PIPELINE), WINDOW);

    assertThat(window.counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(PIPELINE, new BudgetCounts(10, 10), unknown, new BudgetCounts(0, 0)));
    assertThat(window.versions())
        .containsExactlyInAnyOrderEntriesOf(Map.of(PIPELINE, 1L, unknown, 0L));
  }

  private static void insertBucket(JdbcClient jdbc, BudgetScope scope, String age) {
    jdbc.sql(
            "INSERT INTO budget_bucket (scope, name, bucket_start, attempts, retries)"
                + " VALUES (?, ?, now() - ?::interval, 5, 5)")
        .params(scope.scope(), scope.name(), age)
        .update();
  }

  private static int oldBuckets(JdbcClient jdbc) {
    return jdbc.sql(
            "SELECT count(*) FROM budget_bucket WHERE bucket_start < now() - interval '90 seconds'")
        .query(Integer.class)
        .single();
  }

  private DriverManagerDataSource migratedDatabase() {
    return CoordinatorSchema.database(infrastructure, "budget", MigrationVersion.LATEST);
  }
}
