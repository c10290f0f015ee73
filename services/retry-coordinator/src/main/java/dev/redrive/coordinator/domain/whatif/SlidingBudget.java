package dev.redrive.coordinator.domain.whatif;

import dev.redrive.coordinator.domain.RetryBudget;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The retry budget's window as a replay sees it: the attempts and retries of each pipeline and each
 * source over the last {@link RetryBudget#window()}, exactly (the live coordinator sums time
 * buckets, which can hold up to a bucket more), weighed by {@link RetryBudget#allowsOneMore}.
 */
final class SlidingBudget {

  private final RetryBudget budget;
  private final Map<String, Deque<Instant>> attempts = new HashMap<>();
  private final Map<String, Deque<Instant>> retries = new HashMap<>();

  SlidingBudget(RetryBudget budget) {
    this.budget = budget;
  }

  /** The scopes of an attempt: its pipeline and its source, as the live budget has them. */
  static List<String> scopes(String pipeline, String source) {
    List<String> scopes = new ArrayList<>(2);
    if (pipeline != null) {
      scopes.add("pipeline " + pipeline);
    }
    if (source != null) {
      scopes.add("source " + source);
    }
    return scopes;
  }

  void attempt(List<String> scopes, Instant at) {
    scopes.forEach(scope -> attempts.computeIfAbsent(scope, s -> new ArrayDeque<>()).add(at));
  }

  /** Whether every scope has room for one more retry at {@code at}; if so, the retry is counted. */
  boolean spendRetry(List<String> scopes, Instant at) {
    Instant since = at.minus(budget.window());
    for (String scope : scopes) {
      if (!budget.allowsOneMore(
          inWindow(retries.get(scope), since), inWindow(attempts.get(scope), since))) {
        return false;
      }
    }
    scopes.forEach(scope -> retries.computeIfAbsent(scope, s -> new ArrayDeque<>()).add(at));
    return true;
  }

  private static long inWindow(Deque<Instant> times, Instant since) {
    if (times == null) {
      return 0;
    }
    while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
      times.removeFirst();
    }
    return times.size();
  }
}
