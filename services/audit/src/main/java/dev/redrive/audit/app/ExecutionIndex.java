package dev.redrive.audit.app;

import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexQuery;
import java.time.Instant;
import java.util.List;

/**
 * One summary row per execution ({@link ExecutionSummary}), kept in the same transaction as the
 * events, so that listing executions never reads the events. Implemented by the persistence
 * adapter.
 */
public interface ExecutionIndex {

  /**
   * A summary as it was changed: {@code change} grows with every change of any row, so a client
   * that saw a higher one for this execution has seen this state or a later one.
   */
  record Change(long change, ExecutionSummary summary) {}

  /**
   * Brings the summaries of these just-stored events' executions up to date; call it in the
   * transaction that stored them. Returns the changed summaries.
   */
  List<Change> record(List<StoredEvent> stored);

  /** A page of the index, newest last event first, then by execution id (largest first). */
  List<ExecutionSummary> page(IndexQuery query);

  /**
   * The summaries changed at or after {@code since} (the database's clock): the latest {@code max}
   * of them, oldest change first.
   */
  List<Change> changedSince(Instant since, int max);

  /** The database's clock now, to ask {@link #changedSince} later. */
  Instant now();

  /**
   * Deletes up to {@code limit} summaries whose last event occurred before the cutoff (all their
   * events are then past the retention); returns how many.
   */
  int deleteEndedBefore(Instant cutoff, int limit);
}
