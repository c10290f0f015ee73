package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.RetryBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The retry budget's counts while one batch is decided: what the window held before the batch (read
 * once per scope, when the first retry is weighed), plus the attempts and automatic retries of the
 * batch so far. Each decision therefore sees the ones made before it, as if they had been written
 * one by one, and {@link #added()} is what the batch writes at the end.
 *
 * <p>Other consumers may commit retries of the same scopes while the batch is decided. {@link
 * #aloneSinceRead} tells from the budgets' versions whether any did; if so, {@link #overtaken}
 * weighs the retries the batch allowed itself again, against what the window holds at its end.
 */
final class BudgetTally {

  /** A retry allowed in a scope, with what the batch itself had added to the scope before it. */
  private record Allowed(BudgetScope scope, BudgetCounts before) {}

  private final Map<BudgetScope, BudgetCounts> added = new HashMap<>();
  private final List<Allowed> allowed = new ArrayList<>();
  private Map<BudgetScope, BudgetCounts> stored;
  private Map<BudgetScope, Long> versions;

  /** The pipeline and source scopes of an event (a missing pipeline or source has none). */
  static List<BudgetScope> scopes(EventMeta meta) {
    return scopes(meta.pipeline(), meta.source());
  }

  /** The scopes of a pipeline and a source (either may be null: no scope). */
  static List<BudgetScope> scopes(String pipeline, String source) {
    List<BudgetScope> scopes = new ArrayList<>(2);
    if (pipeline != null) {
      scopes.add(new BudgetScope("pipeline", pipeline));
    }
    if (source != null) {
      scopes.add(new BudgetScope("source", source));
    }
    return scopes;
  }

  /** Every scope the events name, once. */
  static Set<BudgetScope> scopes(List<EventMeta> metas) {
    Set<BudgetScope> scopes = new LinkedHashSet<>();
    metas.forEach(meta -> scopes.addAll(scopes(meta)));
    return scopes;
  }

  boolean loaded() {
    return stored != null;
  }

  /** What the window held before this batch, for every scope the batch names. */
  void load(BudgetWindow before) {
    stored = new HashMap<>(before.counts());
    versions = new HashMap<>(before.versions());
  }

  void countAttempt(EventMeta meta) {
    add(meta, 0, 1);
  }

  void countRetry(EventMeta meta) {
    add(meta, 1, 0);
  }

  /** The scopes in which this batch allowed itself a retry: the budgets it spends. */
  Set<BudgetScope> spentScopes() {
    Set<BudgetScope> scopes = new LinkedHashSet<>();
    allowed.forEach(retry -> scopes.add(retry.scope()));
    return scopes;
  }

  /**
   * Whether no other batch committed retries of the spent scopes between this batch's read and its
   * lock: each budget's version, as the lock bumped it, is one more than when it was read.
   */
  boolean aloneSinceRead(Map<BudgetScope, Long> lockedVersions) {
    return lockedVersions.entrySet().stream()
        .allMatch(locked -> locked.getValue() == versions.getOrDefault(locked.getKey(), 0L) + 1);
  }

  /** The window's counts including this batch so far; {@link #load} must have run. */
  BudgetCounts counts(BudgetScope scope) {
    return sum(stored.getOrDefault(scope, NONE), added.getOrDefault(scope, NONE));
  }

  /** Remembers that the budget of the scope allowed a retry, before it is counted. */
  void allowed(BudgetScope scope) {
    allowed.add(new Allowed(scope, added.getOrDefault(scope, NONE)));
  }

  /**
   * The first scope whose budget would have refused a retry that this batch allowed, had the window
   * held {@code now} (without this batch) when the batch was decided; empty when every one still
   * fits.
   */
  Optional<BudgetScope> overtaken(Map<BudgetScope, BudgetCounts> now, RetryBudget budget) {
    for (Allowed retry : allowed) {
      BudgetCounts counts = sum(now.getOrDefault(retry.scope(), NONE), retry.before());
      if (!budget.allowsOneMore(counts.retries(), counts.attempts())) {
        return Optional.of(retry.scope());
      }
    }
    return Optional.empty();
  }

  /** What this batch adds to the window, by scope. */
  Map<BudgetScope, BudgetCounts> added() {
    return added;
  }

  private void add(EventMeta meta, long retries, long attempts) {
    for (BudgetScope scope : scopes(meta)) {
      added.merge(scope, new BudgetCounts(retries, attempts), BudgetTally::sum);
    }
  }

  private static final BudgetCounts NONE = new BudgetCounts(0, 0);

  private static BudgetCounts sum(BudgetCounts a, BudgetCounts b) {
    return new BudgetCounts(a.retries() + b.retries(), a.attempts() + b.attempts());
  }
}
