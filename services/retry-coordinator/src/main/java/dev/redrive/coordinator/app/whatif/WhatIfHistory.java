package dev.redrive.coordinator.app.whatif;

import dev.redrive.coordinator.domain.whatif.PastEvent;
import java.time.Instant;
import java.util.List;

/** Where a what-if reads the recorded history of a window. */
public interface WhatIfHistory {

  /**
   * The failed and succeeded attempts (with what each failure got) of the executions active in the
   * window, up to its end, oldest first: those before {@code from} are there for the replay's state
   * ({@link PastEvent#inWindow()} false). With the people's retries of those executions. Filtered
   * by the query's pipeline and source; every phase is read (they share the budget).
   *
   * @param maxAttempts at most this many attempts are read, the oldest
   */
  Window read(WhatIfQuery query, int maxAttempts);

  /**
   * @param cut the window held more than {@code maxAttempts} attempts: only those up to {@code
   *     readUntil} were read
   * @param readUntil the end of what was read (the window's end unless cut)
   * @param attemptsRead attempts read
   */
  record Window(List<PastEvent> events, boolean cut, Instant readUntil, long attemptsRead) {

    public Window {
      events = List.copyOf(events);
    }
  }
}
