package dev.redrive.coordinator.persistence;

import static dev.redrive.coordinator.persistence.SqlArrays.texts;

import dev.redrive.coordinator.app.BudgetCounts;
import dev.redrive.coordinator.app.BudgetScope;
import dev.redrive.coordinator.app.BudgetStore;
import dev.redrive.coordinator.app.BudgetWindow;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The budget_scope and budget_bucket tables: the retry budgets' versions and counts. */
@Repository
public class JdbcBudgetStore implements BudgetStore {

  /** The order in which budget rows are locked and written, the same in every transaction. */
  private static final Comparator<BudgetScope> BUDGET_ORDER =
      Comparator.comparing(BudgetScope::scope).thenComparing(BudgetScope::name);

  private final JdbcClient jdbc;

  /** When old budget buckets are next deleted ({@link System#nanoTime()}). */
  private final AtomicLong nextBucketCleanup = new AtomicLong(System.nanoTime());

  public JdbcBudgetStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Rows are taken in a fixed order, so that two consumers doing this at once do not deadlock.
   * Once per bucket width (not in every batch: paced load makes many small ones), the batch also
   * deletes the buckets of every scope that are older than two windows; the budget's reads only
   * count the buckets of the window.
   */
  @Override
  public void countForBudget(Map<BudgetScope, BudgetCounts> added, Duration window) {
    if (added.isEmpty()) {
      return;
    }
    List<Map.Entry<BudgetScope, BudgetCounts>> rows =
        added.entrySet().stream().sorted(Map.Entry.comparingByKey(BUDGET_ORDER)).toList();
    long bucketSeconds = Math.max(1, window.toSeconds() / 12);
    jdbc.sql(
            """
            INSERT INTO budget_bucket (scope, name, bucket_start, attempts, retries)
            SELECT s, n, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), a::bigint,
              r::bigint
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
              AS t(s, n, a, r, i)
            ORDER BY i
            ON CONFLICT (scope, name, bucket_start) DO UPDATE
            SET attempts = budget_bucket.attempts + excluded.attempts,
                retries = budget_bucket.retries + excluded.retries""")
        .param(bucketSeconds)
        .param(bucketSeconds)
        .param(texts(rows, r -> r.getKey().scope()))
        .param(texts(rows, r -> r.getKey().name()))
        .param(texts(rows, r -> String.valueOf(r.getValue().attempts())))
        .param(texts(rows, r -> String.valueOf(r.getValue().retries())))
        .update();
    long now = System.nanoTime();
    long due = nextBucketCleanup.get();
    if (now - due >= 0
        && nextBucketCleanup.compareAndSet(due, now + bucketSeconds * 1_000_000_000L)) {
      jdbc.sql("DELETE FROM budget_bucket WHERE bucket_start < now() - make_interval(secs => ?)")
          .param(2.0 * window.toSeconds() + bucketSeconds)
          .update();
    }
  }

  @Override
  public Map<BudgetScope, Long> lockBudgets(Collection<BudgetScope> scopes) {
    Map<BudgetScope, Long> versions = new HashMap<>();
    if (scopes.isEmpty()) {
      return versions;
    }
    List<BudgetScope> ordered = scopes.stream().distinct().sorted(BUDGET_ORDER).toList();
    jdbc.sql(
            """
            INSERT INTO budget_scope (scope, name, version)
            SELECT s, n, 1 FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS t(s, n, i)
            ORDER BY i
            ON CONFLICT (scope, name) DO UPDATE SET version = budget_scope.version + 1
            RETURNING scope, name, version""")
        .param(texts(ordered, BudgetScope::scope))
        .param(texts(ordered, BudgetScope::name))
        .query(
            (rs, n) ->
                versions.put(new BudgetScope(rs.getString(1), rs.getString(2)), rs.getLong(3)))
        .list();
    return versions;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One row per scope, its version and its sums each read by a subquery: planned afresh for
   * every call ({@code plan_cache_mode}), that takes half the planning of one grouped join of the
   * three (65 against 120 us a call on an idle PostgreSQL 17, 2026-12-08), and a paced batch reads
   * its budgets one to two times.
   */
  @Override
  public BudgetWindow budgetWindow(Collection<BudgetScope> scopes, Duration window) {
    Map<BudgetScope, BudgetCounts> counts = new HashMap<>();
    Map<BudgetScope, Long> versions = new HashMap<>();
    if (scopes.isEmpty()) {
      return new BudgetWindow(counts, versions);
    }
    List<BudgetScope> distinct = scopes.stream().distinct().toList();
    double windowSeconds = window.toSeconds();
    jdbc.sql(
            """
            SELECT t.s, t.n,
              coalesce((SELECT v.version FROM budget_scope v
                WHERE v.scope = t.s AND v.name = t.n), 0),
              coalesce((SELECT sum(b.retries) FROM budget_bucket b
                WHERE b.scope = t.s AND b.name = t.n
                  AND b.bucket_start > now() - make_interval(secs => ?)), 0),
              coalesce((SELECT sum(b.attempts) FROM budget_bucket b
                WHERE b.scope = t.s AND b.name = t.n
                  AND b.bucket_start > now() - make_interval(secs => ?)), 0)
            FROM unnest(?::text[], ?::text[]) AS t(s, n)""")
        .param(windowSeconds)
        .param(windowSeconds)
        .param(texts(distinct, BudgetScope::scope))
        .param(texts(distinct, BudgetScope::name))
        .query(
            (rs, n) -> {
              BudgetScope scope = new BudgetScope(rs.getString(1), rs.getString(2));
              versions.put(scope, rs.getLong(3));
              return counts.put(scope, new BudgetCounts(rs.getLong(4), rs.getLong(5)));
            })
        .list();
    return new BudgetWindow(counts, versions);
  }
}
