package dev.redrive.audit.app;

import dev.redrive.audit.domain.EventFilter;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The audit trail as people read it: an execution's timeline a page at a time or as its page shows
 * it, one event, and a search across executions.
 */
@Service
public class ReadAuditTrail {

  private final AuditTrail trail;
  private final StreamLimits limits;

  public ReadAuditTrail(AuditTrail trail, StreamLimits limits) {
    this.trail = trail;
    this.limits = limits;
  }

  /** A page of the execution's events, oldest first. */
  public List<StoredEvent> page(String executionId, int limit, int offset) {
    return trail.timeline(executionId, limit, offset);
  }

  /**
   * The first {@link StreamLimits#maxTimelineEvents()} events of the execution, oldest first: what
   * its HTML page shows (the paged timeline reaches any number).
   */
  public List<StoredEvent> timeline(String executionId) {
    return trail.timeline(executionId, limits.maxTimelineEvents());
  }

  /** One event by its id; empty when it is unknown or older than the retention. */
  public Optional<StoredEvent> event(String eventId) {
    return trail.find(eventId);
  }

  /** The events that match every criterion of the filter, oldest first. */
  public List<StoredEvent> search(EventFilter filter) {
    return trail.search(filter);
  }
}
