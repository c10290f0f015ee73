package dev.redrive.audit.app;

import dev.redrive.audit.domain.EventFilter;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stored events, each once by event id: what the use cases append, read, search and purge.
 * Implemented by the persistence adapter.
 */
public interface AuditTrail {

  /**
   * Stores the events whose ids are not there yet; returns the stored ones, in the order given.
   * Within the list, the first event with an id wins. Call it inside a transaction to store all or
   * nothing.
   */
  List<StoredEvent> appendAll(List<AuditedEvent> events);

  /** One event by its id. */
  Optional<StoredEvent> find(String eventId);

  /** These events (those still stored), oldest first. */
  List<StoredEvent> findAll(Collection<String> eventIds);

  /**
   * The first {@code max} events of the execution, oldest first (by occurrence, then by arrival).
   */
  default List<StoredEvent> timeline(String executionId, int max) {
    return timeline(executionId, max, 0);
  }

  /** A page of the execution's events, oldest first (by occurrence, then by arrival). */
  List<StoredEvent> timeline(String executionId, int limit, int offset);

  /** The ids of the events stored for each of these executions. */
  Map<String, Set<String>> eventIdsOf(Collection<String> executionIds);

  /** The events that match every criterion of the filter, oldest first. */
  List<StoredEvent> search(EventFilter filter);

  /**
   * Deletes up to {@code limit} events that occurred before the cutoff, skipping rows another purge
   * holds; returns how many it deleted.
   */
  int deleteOccurredBefore(Instant cutoff, int limit);
}
